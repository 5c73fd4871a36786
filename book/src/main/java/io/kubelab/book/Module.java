package io.kubelab.book;

import java.nio.file.Path;
import java.util.List;

/**
 * A Maven module of the reactor: its folder name, artifactId, display name (what Maven prints in
 * "Building ...") and the kubelab modules it depends on.
 */
public record Module(
    String dir, String artifactId, String displayName, Path path, List<String> deps) {}
