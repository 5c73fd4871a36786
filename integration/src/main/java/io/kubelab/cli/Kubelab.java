package io.kubelab.cli;

import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.cluster.NodeAgent;
import io.kubelab.cluster.Placement;
import io.kubelab.cluster.SchedulingSimulation;
import io.kubelab.kubelet.pleg.GenericPleg;
import io.kubelab.kubelet.pleg.PodLifeCycleEventType;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code kubelab} command: "where would this pod land, and why?", then "and does it run?": each
 * node's miniature kubelet starts the pods bound to it, and the table of phases shows which pods
 * became Running and which stayed Pending.
 *
 * <pre>
 * kubelab [demo] [--seed N]                          the embedded demo cluster
 * kubelab schedule -f FILE [--policy FILE] [--seed N] [--brief]
 * kubelab help
 * </pre>
 *
 * <p>{@code FILE} is what {@code kubectl get nodes,pods,priorityclasses -A -o yaml} prints (or any
 * multi-document YAML/JSON of nodes and pods). Bound pods occupy their nodes; pending pods are
 * scheduled in queue order. Errors exit with status 2 and one readable line.
 */
public final class Kubelab {

  public static final String DEMO_CLUSTER = "demo-cluster.yaml";
  public static final String DEFAULT_POLICY = "default-policy.json";

  private final PrintStream out;

  Kubelab(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = new Kubelab(System.out).run(args);
    } catch (UsageException e) {
      System.err.println("kubelab: " + e.getMessage() + " (try: kubelab help)");
      code = 2;
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      System.err.println("kubelab: " + e.getMessage());
      code = 2;
    }
    System.exit(code);
  }

  /** Runs one command; returns the exit status. */
  int run(String[] args) {
    String command = args.length == 0 || args[0].startsWith("-") ? "demo" : args[0];
    int start = args.length == 0 || args[0].startsWith("-") ? 0 : 1;
    Options o = Options.parse(args, start);
    switch (command) {
      case "help", "--help", "-h" -> {
        out.print(usage());
        return 0;
      }
      case "demo" -> {
        if (o.file != null) {
          throw new UsageException("demo takes no -f; use: kubelab schedule -f FILE");
        }
        out.println("kubelab demo: an embedded cluster of 6 nodes in 3 zones, 9 pending pods.");
        out.println("Run `kubelab schedule -f FILE` to ask the same of your own cluster.");
        out.println();
        return schedule(Manifests.parse(resource(DEMO_CLUSTER), DEMO_CLUSTER), o);
      }
      case "schedule" -> {
        if (o.file == null) {
          throw new UsageException("schedule needs -f FILE");
        }
        return schedule(read(o.file), o);
      }
      default -> throw new UsageException("unknown command \"" + command + "\"");
    }
  }

  private int schedule(Manifest manifest, Options o) {
    Policy policy =
        Policies.parse(o.policy == null ? resource(DEFAULT_POLICY) : readText(o.policy));
    try (SchedulingSimulation sim = new SchedulingSimulation(manifest, policy, o.seed)) {
      out.printf(
          "Scheduling %d pending pod(s) onto %d node(s); ties broken at random with seed %d.%n",
          sim.pending().size(), sim.nodeCount(), o.seed);
      for (String note : sim.notes()) {
        out.println("note: " + note);
      }
      List<Placement> placements = sim.run();
      out.println();
      printTable(placements);
      if (!o.brief) {
        for (Placement p : placements) {
          printWhy(p);
        }
      }
      printKubelets(sim, placements);
      long unschedulable = placements.stream().filter(p -> !p.scheduled()).count();
      out.println();
      out.printf(
          "%d scheduled, %d unschedulable.%n", placements.size() - unschedulable, unschedulable);
    }
    return 0;
  }

  private void printTable(List<Placement> placements) {
    int w = "POD".length();
    for (Placement p : placements) {
      w = Math.max(w, p.podKey().length());
    }
    String fmt = "%-" + w + "s  %-12s  %s%n";
    out.printf(fmt, "POD", "NODE", "RESULT");
    for (Placement p : placements) {
      out.printf(
          fmt,
          p.podKey(),
          p.scheduled() ? p.node() : "<none>",
          p.scheduled()
              ? p.feasibleNodes() + " of " + p.evaluatedNodes() + " examined nodes fit"
              : p.message());
    }
  }

  /** What each node's kubelet started and its PLEG saw, then every pod's phase. */
  private void printKubelets(SchedulingSimulation sim, List<Placement> placements) {
    out.println();
    out.printf(
        "Kubelets, after %d s of virtual time (PLEG relists every %d s; its events include each"
            + " pod's sandbox):%n",
        SchedulingSimulation.KUBELET_RUN_TIME.toSeconds(), GenericPleg.RELIST_PERIOD.toSeconds());
    for (NodeAgent a : sim.agents()) {
      Map<PodLifeCycleEventType, Integer> byType = new EnumMap<>(PodLifeCycleEventType.class);
      a.events().forEach(e -> byType.merge(e.type(), 1, Integer::sum));
      StringBuilder counts = new StringBuilder();
      byType.forEach(
          (type, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(n + " " + type));
      out.printf(
          "  %-12s started %d pod(s) (%d container(s)); PLEG: %d event(s)%s%n",
          a.nodeName(),
          a.pods().size(),
          a.containersStarted(),
          a.events().size(),
          counts.length() == 0 ? "" : " (" + counts + ")");
    }
    int w = "POD".length();
    for (Placement p : placements) {
      w = Math.max(w, p.podKey().length());
    }
    String fmt = "%-" + w + "s  %-12s  %s%n";
    out.println();
    out.printf(fmt, "POD", "NODE", "PHASE");
    for (Placement p : placements) {
      out.printf(fmt, p.podKey(), p.scheduled() ? p.node() : "<none>", sim.phase(p));
    }
  }

  private void printWhy(Placement p) {
    out.println();
    out.println(
        p.podKey() + (p.scheduled() ? " -> " + p.node() : " stays pending: " + p.message()));
    for (Map.Entry<String, List<String>> e : p.verdicts().entrySet()) {
      String verdict = e.getValue().isEmpty() ? "fits" : String.join("; ", e.getValue());
      String mark = e.getKey().equals(p.node()) ? "*" : " ";
      out.printf("  %s %-12s %s%n", mark, e.getKey(), verdict);
    }
  }

  private static Manifest read(String file) {
    return Manifests.parse(readText(file), file);
  }

  private static String readText(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  public static String resource(String name) {
    try (InputStream in = Kubelab.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing embedded resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String usage() {
    return """
        usage: kubelab [demo] [--seed N] [--brief]
               kubelab schedule -f FILE [--policy FILE] [--seed N] [--brief]
               kubelab help

        Where would these pods land, and why? Nodes and bound pods from FILE occupy the
        cluster; pending pods are scheduled one by one in queue order (priority, then age)
        with the v1.17 predicates of chapter 03. Each node's miniature kubelet (chapter 10's
        PLEG on a fake runtime) then starts the pods bound to it, in virtual time. FILE is
        multi-document YAML or JSON, e.g. the output of
        `kubectl get nodes,pods,priorityclasses -A -o yaml`.

          -f FILE        the cluster to schedule
          --policy FILE  a scheduler Policy (JSON) instead of the embedded default
          --seed N       seed for breaking ties between equally good nodes (default 1)
          --brief        the table only, without each node's verdict
        """;
  }

  /** Command-line options. */
  static final class Options {
    String file;
    String policy;
    long seed = 1;
    boolean brief;

    static Options parse(String[] args, int start) {
      Options o = new Options();
      for (int i = start; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "-f", "--filename" -> o.file = value(args, ++i, a);
          case "--policy" -> o.policy = value(args, ++i, a);
          case "--seed" -> {
            String v = value(args, ++i, a);
            try {
              o.seed = Long.parseLong(v);
            } catch (NumberFormatException e) {
              throw new UsageException("--seed \"" + v + "\" is not an integer");
            }
          }
          case "--brief" -> o.brief = true;
          default -> throw new UsageException("unknown option \"" + a + "\"");
        }
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new UsageException(option + " needs a value");
      }
      return args[i];
    }
  }

  /** A command line that does not parse. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
