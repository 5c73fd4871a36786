package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.Runtime;
import io.kubelab.kubelet.probe.CommandExpansion;
import io.kubelab.kubelet.probe.ExecProber;
import io.kubelab.kubelet.probe.HttpProber;
import io.kubelab.kubelet.probe.ProbeOutcome;
import io.kubelab.kubelet.probe.ProbeResult;
import io.kubelab.kubelet.probe.ProbeUrl;
import io.kubelab.kubelet.probe.TcpProber;
import io.kubelab.kubelet.prober.results.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one probe of a container with the right prober and turns the outcome into a {@link Result},
 * retrying only when the probe could not be run.
 *
 * <p>Upstream: {@code pkg/kubelet/prober/prober.go} ({@code prober}, {@code probe}, {@code
 * runProbeWithRetries}, {@code runProbe}, {@code extractPort}, {@code findPortByName}, {@code
 * formatURL}, {@code buildHeader}). One {@link HttpProber} per probe type, as upstream keeps them
 * apart so that the three kinds do not share connections (#49740).
 */
public final class Prober {

  /** Upstream {@code maxProbeRetries}. */
  static final int MAX_PROBE_RETRIES = 3;

  /** The worker's view of a probe run: a result, or an error that means "discard this run". */
  public record Outcome(Result result, Exception error) {}

  private final ExecProber exec;
  private final TcpProber tcp = new TcpProber();
  private final Map<ProbeType, HttpProber> http = new EnumMap<>(ProbeType.class);
  private final EventRecorder recorder;

  public Prober(Runtime runtime, EventRecorder recorder) {
    this.exec = new ExecProber(runtime);
    this.recorder = recorder;
    for (ProbeType t : ProbeType.values()) {
      // The kubelet never follows redirects to other hosts.
      http.put(t, new HttpProber(false));
    }
  }

  /**
   * Probes and records an event on failure ("Unhealthy") or warning ("ProbeWarning"). A null probe
   * is a success.
   */
  public Outcome probe(
      ProbeType type,
      Probe spec,
      Pod pod,
      PodStatus status,
      Container container,
      ContainerId containerId) {
    if (spec == null) {
      return new Outcome(Result.SUCCESS, null);
    }
    ProbeOutcome o = runProbeWithRetries(type, spec, pod, status, container, containerId);
    if (o.error() != null
        || (o.result() != ProbeResult.SUCCESS && o.result() != ProbeResult.WARNING)) {
      String message =
          o.error() != null
              ? type + " probe errored: " + o.error().getMessage()
              : type + " probe failed: " + o.output();
      recorder.event(
          pod, container.getName(), "Warning", EventRecorder.CONTAINER_UNHEALTHY, message);
      return new Outcome(Result.FAILURE, o.error());
    }
    if (o.result() == ProbeResult.WARNING) {
      recorder.event(
          pod,
          container.getName(),
          "Warning",
          EventRecorder.CONTAINER_PROBE_WARNING,
          type + " probe warning: " + o.output());
    }
    return new Outcome(Result.SUCCESS, null);
  }

  private ProbeOutcome runProbeWithRetries(
      ProbeType type,
      Probe spec,
      Pod pod,
      PodStatus status,
      Container container,
      ContainerId containerId) {
    ProbeOutcome o = null;
    for (int i = 0; i < MAX_PROBE_RETRIES; i++) {
      o = runProbe(type, spec, pod, status, container, containerId);
      if (o.error() == null) {
        return o;
      }
    }
    return o;
  }

  ProbeOutcome runProbe(
      ProbeType type,
      Probe spec,
      Pod pod,
      PodStatus status,
      Container container,
      ContainerId containerId) {
    Duration timeout = Duration.ofSeconds(ProbeSpecs.timeoutSeconds(spec));
    if (spec.getExec() != null) {
      Map<String, String> env = new HashMap<>();
      for (EnvVar e : container.getEnv()) {
        env.put(e.getName(), e.getValue() == null ? "" : e.getValue());
      }
      List<String> command = CommandExpansion.expand(spec.getExec().getCommand(), env);
      return exec.probe(containerId, command, timeout);
    }
    if (spec.getHttpGet() != null) {
      HTTPGetAction g = spec.getHttpGet();
      // SetDefaults_HTTPGetAction: scheme HTTP and path "/" when unset.
      String scheme =
          g.getScheme() == null || g.getScheme().isEmpty()
              ? "http"
              : g.getScheme().toLowerCase(Locale.ROOT);
      String path = g.getPath() == null || g.getPath().isEmpty() ? "/" : g.getPath();
      String host = g.getHost() == null || g.getHost().isEmpty() ? podIp(status) : g.getHost();
      int port;
      try {
        port = extractPort(g.getPort(), container);
      } catch (IllegalArgumentException e) {
        return ProbeOutcome.error(e);
      }
      ProbeUrl url = ProbeUrl.format(scheme, host, port, path);
      return http.get(type).probe(url, buildHeader(g.getHttpHeaders()), timeout);
    }
    if (spec.getTcpSocket() != null) {
      TCPSocketAction t = spec.getTcpSocket();
      int port;
      try {
        port = extractPort(t.getPort(), container);
      } catch (IllegalArgumentException e) {
        return ProbeOutcome.error(e);
      }
      String host = t.getHost() == null || t.getHost().isEmpty() ? podIp(status) : t.getHost();
      return tcp.probe(host, port, timeout);
    }
    return ProbeOutcome.error(
        new IllegalArgumentException(
            "missing probe handler for " + Pods.format(pod) + ":" + container.getName()));
  }

  /**
   * A port given as a number, as the name of a container port, or as a number in a string; valid
   * ports are 1..65535.
   */
  static int extractPort(IntOrString param, Container container) {
    if (param == null) {
      throw new IllegalArgumentException("intOrString had no kind: <nil>");
    }
    int port;
    if (param.getIntVal() != null) {
      port = param.getIntVal();
    } else if (param.getStrVal() != null) {
      Integer byName = findPortByName(container, param.getStrVal());
      if (byName != null) {
        port = byName;
      } else {
        try {
          port = Integer.parseInt(param.getStrVal());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "strconv.Atoi: parsing \"" + param.getStrVal() + "\": invalid syntax");
        }
      }
    } else {
      throw new IllegalArgumentException("intOrString had no kind: " + param);
    }
    if (port > 0 && port < 65536) {
      return port;
    }
    throw new IllegalArgumentException("invalid port number: " + port);
  }

  private static Integer findPortByName(Container container, String name) {
    for (ContainerPort p : container.getPorts()) {
      if (name.equals(p.getName())) {
        return p.getContainerPort();
      }
    }
    return null;
  }

  /** The pod's IP, or "" before it has one (Go's zero value: the probe then dials ":port"). */
  private static String podIp(PodStatus status) {
    return status.getPodIP() == null ? "" : status.getPodIP();
  }

  /** Upstream {@code buildHeader}: values grouped under the name exactly as written. */
  static Map<String, List<String>> buildHeader(List<HTTPHeader> headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (HTTPHeader h : headers) {
      out.computeIfAbsent(h.getName(), k -> new ArrayList<>())
          .add(h.getValue() == null ? "" : h.getValue());
    }
    return out;
  }
}
