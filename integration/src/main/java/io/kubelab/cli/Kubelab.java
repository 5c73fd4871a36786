package io.kubelab.cli;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.ManifestException;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.cluster.Kubelets;
import io.kubelab.cluster.NodeAgent;
import io.kubelab.explain.ExplainOutput;
import io.kubelab.explain.FrameworkSimulation;
import io.kubelab.explain.PodResult;
import io.kubelab.explain.SchedulerProfile;
import io.kubelab.kubelet.pleg.GenericPleg;
import io.kubelab.kubelet.pleg.PodLifeCycleEventType;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import tools.jackson.core.JacksonException;

/**
 * The {@code kubelab} command: "where would this pod land, and why?", then "and does it run?": each
 * node's miniature kubelet starts the pods bound to it, and the table of phases shows which pods
 * became Running and which stayed Pending. {@code kubelab apiserver} serves a cluster over the
 * Kubernetes API for kubectl and other clients.
 *
 * <pre>
 * kubelab [demo] [--seed N] [--brief]                the embedded demo cluster
 * kubelab schedule -f FILE [--policy FILE] [--seed N] [--brief]
 * kubelab schedule -f FILE [-o json|yaml|table] [--profile P] [--explain POD] [--seed N]
 * kubelab apiserver [--port P] [-f FILE] [--kubeconfig-out PATH]
 * kubelab scheduler --kubeconfig PATH [--config FILE] [--seed N]
 * kubelab up [--port P] [-f FILE] [--kubeconfig-out PATH] [--config FILE] [--seed N]
 * kubelab perf [FILE] [--case NAME] [--workload NAME] [--smoke|--scale F] [-o json] [--compare F]
 * kubelab completion                                 a bash/zsh completion script
 * kubelab help [COMMAND]
 * </pre>
 *
 * <p>{@code FILE} is what {@code kubectl get nodes,pods,priorityclasses -A -o yaml} prints (or any
 * multi-document YAML/JSON of nodes and pods). Exit status: 0 on success, 2 on bad input with one
 * readable line on stderr. The command line is parsed by picocli.
 */
@Command(
    name = "kubelab",
    mixinStandardHelpOptions = true,
    versionProvider = Kubelab.Version.class,
    subcommands = {
      Kubelab.Demo.class,
      Kubelab.Schedule.class,
      ApiServerCommand.class,
      SchedulerCommand.class,
      UpCommand.class,
      io.kubelab.perf.PerfCommand.class,
      Kubelab.Completion.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Where would these pods land, and why? Kubernetes' scheduler, kubelet and API server,"
          + " rebuilt in Java.",
      "Without a command, runs the demo."
    })
public final class Kubelab implements Callable<Integer> {

  public static final String DEMO_CLUSTER = "demo-cluster.yaml";

  /** Exit status for bad input: usage errors, unreadable or invalid files. */
  public static final int BAD_INPUT = 2;

  private final PrintStream out;

  @Option(
      names = "--seed",
      paramLabel = "N",
      converter = SeedConverter.class,
      description = "seed for breaking ties between equally good nodes (default 1)")
  long seed = 1;

  @Option(names = "--brief", description = "the table only, without each node's verdict")
  boolean brief;

  Kubelab(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    commonPoolOfAtLeastTwo(System.getProperties(), Runtime.getRuntime().availableProcessors());
    System.exit(new Kubelab(System.out).run(args, System.err));
  }

  /** The system property that sizes {@link java.util.concurrent.ForkJoinPool#commonPool()}. */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  /**
   * On one or two processors the common pool gets a parallelism of 1, and {@link
   * java.util.concurrent.CompletableFuture}'s {@code *Async} methods then start a new thread for
   * every task instead of using the pool. The Kubernetes client completes each HTTP response that
   * way, so on a 2-processor machine every request of {@code kubelab perf --through-apiserver} or
   * {@code kubelab scheduler} started and ended a thread (a fifth of the client's CPU). Unless the
   * user chose a value, this asks for a pool of at least two threads; it must run before anything
   * touches the pool.
   */
  static void commonPoolOfAtLeastTwo(java.util.Properties props, int processors) {
    if (processors <= 2 && props.getProperty(COMMON_POOL_PARALLELISM) == null) {
      props.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  /** Runs one command line; returns the exit status. Errors go to {@code err} as one line. */
  int run(String[] args, PrintStream err) {
    CommandLine cl = commandLine(err);
    return cl.execute(args);
  }

  /** The picocli command line with kubelab's error handling. */
  CommandLine commandLine(PrintStream err) {
    CommandLine cl = new CommandLine(this, new Factory(this));
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler(
        (ParameterException e, String[] a) -> {
          e.getCommandLine()
              .getErr()
              .println("kubelab: " + usageMessage(e) + " (try: kubelab help)");
          return BAD_INPUT;
        });
    cl.setExecutionExceptionHandler(
        (Exception e, CommandLine c, CommandLine.ParseResult r) -> {
          if (e instanceof IllegalArgumentException
              || e instanceof IllegalStateException
              || e instanceof UncheckedIOException) {
            c.getErr().println("kubelab: " + inputMessage(e));
            return BAD_INPUT;
          }
          throw e;
        });
    return cl;
  }

  private static String usageMessage(ParameterException e) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (!first.startsWith("-") && e.getCommandLine().getCommandName().equals("kubelab")) {
        return "unknown command \"" + first + "\"";
      }
      return "unknown option \"" + first + "\"";
    }
    return e.getMessage();
  }

  /** One line for bad input; JSON and YAML syntax errors name line and column, nothing more. */
  static String inputMessage(Exception e) {
    if (e instanceof ManifestException m && m.getCause() instanceof JacksonException j) {
      String what = j.getOriginalMessage() == null ? "" : j.getOriginalMessage();
      int cut = what.length();
      for (String noise : List.of(" (start marker", " at [Source", "\n", " (for ")) {
        int i = what.indexOf(noise);
        if (i >= 0) {
          cut = Math.min(cut, i);
        }
      }
      String where = "";
      if (j.getLocation() != null && j.getLocation().getLineNr() > 0) {
        where =
            " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr();
      }
      return m.document()
          + ": malformed "
          + (m.getMessage().contains("malformed JSON") ? "JSON" : "YAML")
          + where
          + ": "
          + what.substring(0, cut);
    }
    return e.getMessage();
  }

  @Override
  public Integer call() {
    return new Demo(this).call();
  }

  /** {@code kubelab demo}. */
  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = "Schedule the embedded demo cluster: 6 nodes in 3 zones, 9 pending pods.")
  static final class Demo implements Callable<Integer> {
    private final Kubelab k;

    @Option(
        names = "--seed",
        paramLabel = "N",
        converter = SeedConverter.class,
        description = "seed for breaking ties between equally good nodes (default 1)")
    long seed = -1;

    @Option(names = "--brief", description = "the table only, without each node's verdict")
    boolean brief;

    Demo(Kubelab k) {
      this.k = k;
    }

    @Override
    public Integer call() {
      long s = seed >= 0 ? seed : k.seed;
      k.out.println("kubelab demo: an embedded cluster of 6 nodes in 3 zones, 9 pending pods.");
      k.out.println("Run `kubelab schedule -f FILE` to ask the same of your own cluster.");
      k.out.println();
      Manifest demo = Manifests.parse(resource(DEMO_CLUSTER), DEMO_CLUSTER);
      checkQuantityRanges(demo, DEMO_CLUSTER);
      SchedulerProfile profile = SchedulerProfile.resolve(Profiles.DEFAULT_118, Kubelab::readText);
      return k.explain(demo, profile, s, "table", null, brief || k.brief);
    }
  }

  /** {@code kubelab schedule -f FILE}. */
  @Command(
      name = "schedule",
      mixinStandardHelpOptions = true,
      description = {
        "Schedule the pending pods of FILE onto its nodes with chapter 08's scheduler (its queue,"
            + " the profile's plugins, preemption, extenders) until the queue has nothing left it"
            + " can place, and say why each pod landed where it did; in table output, each node's"
            + " miniature kubelet then starts the pods bound to it, in virtual time.",
        "FILE is multi-document YAML or JSON, e.g. the output of"
            + " `kubectl get nodes,pods,priorityclasses -A -o yaml`."
      })
  static final class Schedule implements Callable<Integer> {
    private final Kubelab k;

    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE",
        required = true,
        description = "the cluster to schedule")
    String file;

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description = "a scheduler Policy file, as a profile: the same as --profile FILE")
    String policy;

    @Option(
        names = "--seed",
        paramLabel = "N",
        converter = SeedConverter.class,
        description = "seed for breaking ties between equally good nodes (default 1)")
    long seed = 1;

    @Option(names = "--brief", description = "the table only, without each node's verdict")
    boolean brief;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description =
            "json or yaml: every pending pod as a Pod with kube-scheduler-simulator's annotations;"
                + " table: the tables, with per-plugin verdicts")
    String output;

    @Option(
        names = "--profile",
        paramLabel = "PROFILE",
        description =
            "the scheduler's profile: default-1.18 (the default), legacy-1.17 (v1.17's"
                + " DefaultProvider Policy as plugins), or a KubeSchedulerConfiguration or Policy"
                + " file")
    String profile;

    @Option(
        names = "--explain",
        paramLabel = "POD",
        description = "print only this pod (name or namespace/name), with its score table")
    String explain;

    Schedule(Kubelab k) {
      this.k = k;
    }

    @Override
    public Integer call() {
      if (output != null && !List.of("json", "yaml", "table").contains(output)) {
        throw new IllegalArgumentException(
            "--output \"" + output + "\": must be json, yaml or table");
      }
      if (profile != null && policy != null) {
        throw new IllegalArgumentException("--profile and --policy name the same thing: give one");
      }
      String chosen = profile != null ? profile : policy != null ? policy : Profiles.DEFAULT_118;
      Manifest manifest = read(file);
      checkQuantityRanges(manifest, file);
      SchedulerProfile sp = SchedulerProfile.resolve(chosen, Kubelab::readText);
      return k.explain(manifest, sp, seed, output == null ? "table" : output, explain, brief);
    }
  }

  /** {@code kubelab completion}: prints a bash (and zsh) completion script. */
  @Command(
      name = "completion",
      mixinStandardHelpOptions = true,
      description = {
        "Print a bash/zsh completion script for kubelab.",
        "Use: source <(./kubelab completion)"
      })
  static final class Completion implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(AutoComplete.bash("kubelab", spec.parent().commandLine()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code --seed} values: an integer, or the message the old command line gave. */
  static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("--seed \"" + value + "\" is not an integer");
      }
    }
  }

  /** Reports the module version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "kubelab 0.1.0 (API server: "
            + io.kubelab.cluster.apiserver.ApiServer.class.getSimpleName()
            + ", Kubernetes API v1.20)"
      };
    }
  }

  /** Builds subcommands with a reference to the top-level command (its output stream). */
  private record Factory(Kubelab k) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Demo.class) {
        return cls.cast(new Demo(k));
      }
      if (cls == Schedule.class) {
        return cls.cast(new Schedule(k));
      }
      if (cls == ApiServerCommand.class) {
        return cls.cast(new ApiServerCommand(k.out));
      }
      if (cls == SchedulerCommand.class) {
        return cls.cast(new SchedulerCommand(k.out));
      }
      if (cls == UpCommand.class) {
        return cls.cast(new UpCommand(k.out));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** {@code schedule} on the ch08 framework, every decision recorded and printed. */
  int explain(
      Manifest manifest,
      SchedulerProfile profile,
      long seed,
      String output,
      String explainPod,
      boolean brief) {
    try (FrameworkSimulation sim = new FrameworkSimulation(manifest, profile, seed)) {
      List<PodResult> all = sim.run();
      List<PodResult> shown = all;
      if (explainPod != null) {
        // namespace/name, or a name that only one pending pod has.
        shown =
            all.stream()
                .filter(
                    r ->
                        explainPod.contains("/")
                            ? r.key().equals(explainPod)
                            : r.pod().getMetadata().getName().equals(explainPod))
                .toList();
        if (shown.isEmpty()) {
          throw new IllegalArgumentException(
              "--explain " + explainPod + ": no pending pod of that name in the input");
        }
        if (shown.size() > 1) {
          throw new IllegalArgumentException(
              "--explain "
                  + explainPod
                  + ": "
                  + shown.size()
                  + " pending pods have that name; give namespace/name");
        }
      }
      switch (output) {
        case "json" -> out.print(ExplainOutput.json(shown));
        case "yaml" -> out.print(ExplainOutput.yaml(shown));
        default -> {
          out.printf(
              "Scheduling %d pending pod(s) onto %d node(s) with profile %s; ties broken at random"
                  + " with seed %d.%n",
              sim.pending().size(), sim.nodeCount(), profile.name(), seed);
          for (String note : sim.notes()) {
            out.println("note: " + note);
          }
          out.println();
          ExplainOutput.placements(out, shown);
          if (!brief) {
            for (PodResult r : shown) {
              ExplainOutput.verdicts(out, r);
            }
          }
          if (explainPod != null) {
            ExplainOutput.scoreTable(out, shown.get(0));
          }
          if (!sim.evicted().isEmpty()) {
            out.println();
            sim.evicted().forEach((v, by) -> out.println(v + " was preempted by " + by + "."));
          }
          if (explainPod == null) {
            printKubelets(manifest.nodes(), all, sim.evicted().keySet());
          }
          long unschedulable = all.stream().filter(r -> !r.bound()).count();
          out.println();
          out.printf(
              "%d scheduled, %d unschedulable.%n", all.size() - unschedulable, unschedulable);
        }
      }
    }
    return 0;
  }

  /**
   * Every quantity the scheduler will turn into a long must fit one: a value out of range is bad
   * input (exit 2), not an unschedulable pod.
   */
  static void checkQuantityRanges(Manifest manifest, String source) {
    for (Pod p : manifest.pods()) {
      String id =
          source
              + ": Pod "
              + (p.getMetadata().getNamespace() == null
                  ? "default"
                  : p.getMetadata().getNamespace())
              + "/"
              + p.getMetadata().getName();
      if (p.getSpec() == null) {
        continue;
      }
      for (String list : List.of("containers", "initContainers")) {
        List<Container> cs =
            list.equals("containers")
                ? p.getSpec().getContainers()
                : p.getSpec().getInitContainers();
        for (int i = 0; cs != null && i < cs.size(); i++) {
          var r = cs.get(i).getResources();
          if (r != null) {
            checkRange(r.getRequests(), id, "spec." + list + "[" + i + "].resources.requests");
            checkRange(r.getLimits(), id, "spec." + list + "[" + i + "].resources.limits");
          }
        }
      }
      checkRange(p.getSpec().getOverhead(), id, "spec.overhead");
    }
    for (Node n : manifest.nodes()) {
      String id = source + ": Node " + n.getMetadata().getName();
      if (n.getStatus() != null) {
        checkRange(n.getStatus().getCapacity(), id, "status.capacity");
        checkRange(n.getStatus().getAllocatable(), id, "status.allocatable");
      }
    }
  }

  private static void checkRange(Map<String, Quantity> m, String id, String field) {
    if (m == null) {
      return;
    }
    for (Map.Entry<String, Quantity> e : m.entrySet()) {
      String f = field + "." + e.getKey();
      try {
        Quantities.milliValue(e.getValue(), f);
        Quantities.value(e.getValue(), f);
      } catch (Quantities.InvalidQuantityException ex) {
        throw new IllegalArgumentException(id + ": " + ex.getMessage(), ex);
      }
    }
  }

  /**
   * Hands every pod the run bound to its node's miniature kubelet (chapter 10's, over a fake
   * runtime, in virtual time), lets {@link Kubelets#RUN_TIME} pass, and prints what each kubelet
   * started and every pending pod's phase. A pod bound and later preempted in the same run is not
   * started.
   */
  private void printKubelets(List<Node> nodes, List<PodResult> results, Set<String> preempted) {
    try (Kubelets kubelets = new Kubelets(nodes)) {
      for (PodResult r : results) {
        kubelets.pending(r.pod());
      }
      for (PodResult r : results) {
        if (r.bound() && !preempted.contains(r.key())) {
          kubelets.bind(r.pod(), r.node());
        }
      }
      kubelets.run();
      out.println();
      out.printf(
          "Kubelets, after %d s of virtual time (PLEG relists every %d s; its events include each"
              + " pod's sandbox):%n",
          Kubelets.RUN_TIME.toSeconds(), GenericPleg.RELIST_PERIOD.toSeconds());
      for (NodeAgent a : kubelets.agents()) {
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
      for (PodResult r : results) {
        w = Math.max(w, r.key().length());
      }
      String fmt = "%-" + w + "s  %-12s  %s%n";
      out.println();
      out.printf(fmt, "POD", "NODE", "PHASE");
      for (PodResult r : results) {
        boolean gone = preempted.contains(r.key());
        out.printf(
            fmt,
            r.key(),
            r.bound() ? r.node() : "<none>",
            gone ? "preempted" : kubelets.phase(r.pod()));
      }
    }
  }

  static Manifest read(String file) {
    return Manifests.parse(readText(file), file);
  }

  static String readText(String file) {
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
}
