package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.scheduler.InformerSource;
import io.kubelab.scheduler.PodConditionUpdater;
import io.kubelab.scheduler.PodConditions;
import io.kubelab.scheduler.PodGetter;
import io.kubelab.scheduler.ResourceEventHandler;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.preemption.EventRecorder;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.preemption.PodPreemptor;
import io.kubelab.scheduler.spread.SpreadListers;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chapter 08's scheduler against any API server, through the fabric8 client: its informers, the
 * binding call, the status updates (PodScheduled condition, {@code nominatedNodeName}), the
 * victims' deletion and the events, each as the Kubernetes scheduler makes it.
 *
 * <p>Upstream: the informers {@code pkg/scheduler/eventhandlers.go} registers ({@code
 * AddAllEventHandlers}: pods, nodes, services, PVs, PVCs, storage classes, CSINodes), {@code
 * (*defaultBinder).Bind} ({@code POST pods/NAME/binding}), {@code podConditionUpdaterImpl} and
 * {@code podPreemptorImpl} in {@code pkg/scheduler/scheduler.go} and {@code factory.go} (v1.18),
 * and the event broadcaster. Kinds the server does not serve (kubelab's API server has no storage
 * API) get no informer; the scheduler then sees none of them, as it would see an empty list. Events
 * are written as core/v1 Events (upstream v1.18 writes events.k8s.io/v1beta1 ones; the fields are
 * the same: reason, action, note as the message, regarding as the involved object, related).
 */
public final class ApiServerSchedulerClient
    implements InformerSource,
        PodBinder,
        PodPreemptor,
        PodConditionUpdater,
        PodGetter,
        EventRecorder,
        PdbLister,
        AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiServerSchedulerClient.class.getName());
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
          .withZone(java.time.ZoneOffset.UTC);

  private final KubernetesClient client;
  private final String component;
  private final Clock clock;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<PersistentVolume> pvs;
  private SharedIndexInformer<PersistentVolumeClaim> pvcs;
  private SharedIndexInformer<StorageClass> storageClasses;
  private SharedIndexInformer<CSINode> csiNodes;
  private final SharedIndexInformer<PodDisruptionBudget> pdbs;
  private boolean started;
  // Upstream's event broadcaster (client-go tools/events): a queue of at most 1000 events
  // (maxQueuedEvents) whose watcher starts one goroutine per event to write it, so writes overlap
  // and the binding cycle never waits for one; an event that finds the queue full is dropped at
  // once (DropIfChannelFull). Here a fixed set of writer threads takes the place of the
  // goroutines: events are written concurrently, in no guaranteed order, as upstream's are.
  static final int MAX_QUEUED_EVENTS = 1000;
  static final int EVENT_WRITERS = 16;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>(MAX_QUEUED_EVENTS);
  private final List<Thread> eventWriters = new ArrayList<>();
  private final AtomicLong droppedEvents = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param component the scheduler's name in events ({@code source.component}, {@code
   *     reportingController}), e.g. {@code default-scheduler}
   * @param clock the clock event times are read from
   */
  public ApiServerSchedulerClient(KubernetesClient client, String component, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.component = Objects.requireNonNull(component, "component");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pdbs =
        register(
            PodDisruptionBudget.class,
            () -> client.resources(PodDisruptionBudget.class).inAnyNamespace().runnableInformer(0));
    for (int i = 1; i <= EVENT_WRITERS; i++) {
      Thread t = new Thread(this::writeEvents, "event-sink " + component + "-" + i);
      t.setDaemon(true);
      eventWriters.add(t);
      t.start();
    }
  }

  // ---- informers ------------------------------------------------------------------------------

  private <T extends HasMetadata> SharedIndexInformer<T> register(
      Class<T> type, Supplier<SharedIndexInformer<T>> make) {
    if (started) {
      throw new IllegalStateException("handlers must be added before start()");
    }
    if (!client.supports(type)) {
      LOG.info(() -> "the API server does not serve " + type.getSimpleName() + "; not watching it");
      return null;
    }
    SharedIndexInformer<T> informer = make.get();
    informers.add(informer);
    return informer;
  }

  /**
   * Listers over this client's informers for the objects that select a pod (Services,
   * ReplicationControllers, ReplicaSets, StatefulSets), which DefaultPodTopologySpread and
   * ServiceAffinity read: kube-scheduler v1.18 hands its framework the informer factory's listers.
   * A kind the server does not serve lists as empty. Call before {@link #start}.
   */
  public synchronized SpreadListers spreadListers() {
    if (services == null) {
      services =
          register(Service.class, () -> client.services().inAnyNamespace().runnableInformer(0));
    }
    SharedIndexInformer<Service> svc = services;
    SharedIndexInformer<ReplicationController> rcs =
        register(
            ReplicationController.class,
            () -> client.replicationControllers().inAnyNamespace().runnableInformer(0));
    SharedIndexInformer<ReplicaSet> rss =
        register(
            ReplicaSet.class,
            () -> client.apps().replicaSets().inAnyNamespace().runnableInformer(0));
    SharedIndexInformer<StatefulSet> sss =
        register(
            StatefulSet.class,
            () -> client.apps().statefulSets().inAnyNamespace().runnableInformer(0));
    return new SpreadListers(
        ns -> inNamespace(svc, ns),
        ns -> inNamespace(rcs, ns),
        ns -> inNamespace(rss, ns),
        ns -> inNamespace(sss, ns));
  }

  private static <T extends HasMetadata> List<T> inNamespace(
      SharedIndexInformer<T> informer, String namespace) {
    if (informer == null) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (T o : informer.getStore().list()) {
      if (Objects.equals(o.getMetadata().getNamespace(), namespace)) {
        out.add(o);
      }
    }
    return out;
  }

  private static <T> void addHandler(SharedIndexInformer<T> informer, ResourceEventHandler<T> h) {
    if (informer == null) {
      return;
    }
    informer.addEventHandler(
        new io.fabric8.kubernetes.client.informers.ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            h.onAdd(obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            h.onUpdate(oldObj, newObj);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            h.onDelete(obj);
          }
        });
  }

  @Override
  public synchronized void addPodHandler(ResourceEventHandler<Pod> handler) {
    if (pods == null) {
      pods = register(Pod.class, () -> client.pods().inAnyNamespace().runnableInformer(0));
    }
    addHandler(pods, handler);
  }

  @Override
  public synchronized void addNodeHandler(ResourceEventHandler<Node> handler) {
    if (nodes == null) {
      nodes = register(Node.class, () -> client.nodes().runnableInformer(0));
    }
    addHandler(nodes, handler);
  }

  @Override
  public synchronized void addServiceHandler(ResourceEventHandler<Service> handler) {
    if (services == null) {
      services =
          register(Service.class, () -> client.services().inAnyNamespace().runnableInformer(0));
    }
    addHandler(services, handler);
  }

  @Override
  public synchronized void addPersistentVolumeHandler(ResourceEventHandler<PersistentVolume> h) {
    if (pvs == null) {
      pvs = register(PersistentVolume.class, () -> client.persistentVolumes().runnableInformer(0));
    }
    addHandler(pvs, h);
  }

  @Override
  public synchronized void addPersistentVolumeClaimHandler(
      ResourceEventHandler<PersistentVolumeClaim> h) {
    if (pvcs == null) {
      pvcs =
          register(
              PersistentVolumeClaim.class,
              () -> client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0));
    }
    addHandler(pvcs, h);
  }

  @Override
  public synchronized void addStorageClassHandler(ResourceEventHandler<StorageClass> h) {
    if (storageClasses == null) {
      storageClasses =
          register(
              StorageClass.class, () -> client.storage().v1().storageClasses().runnableInformer(0));
    }
    addHandler(storageClasses, h);
  }

  @Override
  public synchronized void addCSINodeHandler(ResourceEventHandler<CSINode> h) {
    if (csiNodes == null) {
      csiNodes =
          register(CSINode.class, () -> client.storage().v1().csiNodes().runnableInformer(0));
    }
    addHandler(csiNodes, h);
  }

  /**
   * Starts every informer and waits until each has delivered its first list ({@code
   * WaitForCacheSync}).
   *
   * @throws IllegalStateException when they have not synced within {@code timeout}
   */
  public synchronized void start(Duration timeout) throws InterruptedException {
    started = true;
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (SharedIndexInformer<?> i : informers) {
      syncs.add(i.start().toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "the scheduler's informers did not sync within " + timeout + ": " + e, e);
    }
  }

  // ---- the scheduler's calls ------------------------------------------------------------------

  /** {@code POST /api/v1/namespaces/NS/pods/NAME/binding}, as upstream's default binder. */
  @Override
  public void bind(Binding binding) {
    String ns = binding.getMetadata().getNamespace();
    String name = binding.getMetadata().getName();
    post(
        "/api/v1/namespaces/" + ns + "/pods/" + name + "/binding",
        client.getKubernetesSerialization().asJson(binding));
  }

  @Override
  public Optional<Pod> get(String namespace, String name) {
    return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
  }

  @Override
  public Pod getUpdatedPod(Pod pod) {
    return get(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
        .orElseThrow(
            () ->
                new KubernetesClientException(
                    "pods \"" + pod.getMetadata().getName() + "\" not found", 404, null));
  }

  /** Deletes a victim: upstream's {@code podPreemptorImpl.deletePod}, default grace period. */
  @Override
  public void deletePod(Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
  }

  /**
   * {@code SetNominatedNodeName}: a merge patch of {@code status.nominatedNodeName} (null removes
   * it), with the pod's UID as a precondition.
   */
  @Override
  public void setNominatedNodeName(Pod pod, String nominatedNodeName) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").put("uid", pod.getMetadata().getUid());
    ObjectNode status = patch.putObject("status");
    if (nominatedNodeName == null || nominatedNodeName.isEmpty()) {
      status.putNull("nominatedNodeName");
    } else {
      status.put("nominatedNodeName", nominatedNodeName);
    }
    patchStatus(pod, patch);
  }

  /**
   * {@code podConditionUpdaterImpl.update}: sets the condition as {@code UpdatePodCondition} does
   * and writes the status when it changed.
   */
  @Override
  public void update(Pod pod, PodCondition condition) {
    PodStatus status =
        pod.getStatus() == null
            ? new PodStatus()
            : client.getKubernetesSerialization().clone(pod.getStatus());
    if (!PodConditions.updatePodCondition(status, condition, clock.now())) {
      return;
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").put("uid", pod.getMetadata().getUid());
    patch
        .putObject("status")
        .set(
            "conditions",
            JSON.readTree(client.getKubernetesSerialization().asJson(status.getConditions())));
    patchStatus(pod, patch);
  }

  private void patchStatus(Pod pod, ObjectNode patch) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
  }

  /** One core/v1 Event, named as client-go names them ({@code NAME.<unique suffix>}). */
  @Override
  public void eventf(
      HasMetadata regarding,
      HasMetadata related,
      String eventType,
      String reason,
      String action,
      String note) {
    String ns =
        regarding.getMetadata().getNamespace() == null
            ? "default"
            : regarding.getMetadata().getNamespace();
    String now = MICRO_TIME.format(clock.now());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                regarding.getMetadata().getName()
                    + "."
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
            .endMetadata()
            .withInvolvedObject(reference(regarding))
            .withRelated(related == null ? null : reference(related))
            .withType(eventType)
            .withReason(reason)
            .withAction(action)
            .withMessage(note)
            .withReportingComponent(component)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withEventTime(new MicroTime(now))
            .withCount(1)
            .build();
    if (closed || !events.offer(event)) {
      long dropped = droppedEvents.incrementAndGet();
      // The first drop and every thousandth after it: an overload would otherwise log a line
      // per event (upstream's broadcaster drops without a word; droppedEvents() keeps the count).
      if (dropped % 1000 == 1) {
        LOG.warning(
            () ->
                (closed ? "event sink closed" : "event queue full (" + MAX_QUEUED_EVENTS + ")")
                    + ": dropped "
                    + reason
                    + " for "
                    + ns
                    + " ("
                    + dropped
                    + " dropped so far)");
      }
    }
  }

  /** How many events found the queue full and were dropped. */
  public long droppedEvents() {
    return droppedEvents.get();
  }

  /** One writer: writes queued events until it takes an end marker queued by {@link #close}. */
  private void writeEvents() {
    while (true) {
      Event event;
      try {
        event = events.take();
      } catch (InterruptedException e) {
        return;
      }
      if (event == END_OF_EVENTS) {
        return;
      }
      String ns = event.getMetadata().getNamespace();
      try {
        // A raw POST, as the binding is: the DSL would also decode the created Event, which the
        // broadcaster never reads (about a quarter of the event writers' CPU in the through-server
        // perf).
        post(
            "/api/v1/namespaces/" + ns + "/events",
            client.getKubernetesSerialization().asJson(event));
      } catch (RuntimeException e) {
        // Upstream's broadcaster drops events it cannot write after its retries; a lost event
        // must not fail a scheduling cycle.
        LOG.warning(
            () ->
                "could not write event "
                    + event.getReason()
                    + " for "
                    + ns
                    + ": "
                    + e.getMessage());
      }
    }
  }

  private static final Event END_OF_EVENTS = new Event();

  private static ObjectReference reference(HasMetadata o) {
    return new ObjectReferenceBuilder()
        .withApiVersion(o.getApiVersion())
        .withKind(o.getKind())
        .withNamespace(o.getMetadata().getNamespace())
        .withName(o.getMetadata().getName())
        .withUid(o.getMetadata().getUid())
        .withResourceVersion(o.getMetadata().getResourceVersion())
        .build();
  }

  /** The PodDisruptionBudgets the informer holds (none when the server serves none). */
  @Override
  public List<PodDisruptionBudget> list() {
    return pdbs == null ? List.of() : pdbs.getStore().list();
  }

  /** How long {@link #post} waits for an answer. */
  private static final long POST_TIMEOUT_SECONDS = 30;

  /**
   * A raw {@code POST} of {@code body} (JSON), as fabric8's DSL would send it, without decoding the
   * object the server answers with; the client's request timeout bounds each wait for the server.
   */
  private void post(String path, String body) {
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + path;
    io.fabric8.kubernetes.client.http.HttpRequest.Builder request =
        client.getHttpClient().newHttpRequestBuilder().uri(url).post("application/json", body);
    Integer requestTimeout = client.getConfiguration().getRequestTimeout();
    if (requestTimeout != null && requestTimeout > 0) {
      request.timeout(requestTimeout, TimeUnit.MILLISECONDS);
    }
    CompletableFuture<HttpResponse<String>> answer =
        client.getHttpClient().sendAsync(request.build(), String.class);
    HttpResponse<String> r;
    try {
      r = answer.get(POST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while posting to " + path);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new KubernetesClientException(
          "POST " + path + ": no answer within " + POST_TIMEOUT_SECONDS + " s", e);
    } catch (ExecutionException e) {
      throw new KubernetesClientException("POST " + path + ": " + e.getCause(), e.getCause());
    }
    if (r.code() < 200 || r.code() > 299) {
      throw new KubernetesClientException(
          "POST " + path + ": " + r.code() + " " + statusMessage(r.body()), r.code(), null);
    }
  }

  /** The {@code message} of a {@code Status} body, or the body's first 200 characters. */
  static String statusMessage(String body) {
    if (body == null) {
      return "";
    }
    try {
      tools.jackson.databind.JsonNode status = JSON.readTree(body);
      if (status.path("message").isString()) {
        return status.path("message").asString();
      }
    } catch (RuntimeException e) {
      // not JSON: the text itself, shortened
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }

  /** Stops every informer. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SharedIndexInformer<?> i : informers) {
      i.close();
    }
    // Write what is queued (bounded), then stop the writers: one end marker each.
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (int i = 0; i < eventWriters.size(); i++) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !events.offer(END_OF_EVENTS, left, TimeUnit.NANOSECONDS)) {
          break;
        }
      }
      for (Thread t : eventWriters) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Thread t : eventWriters) {
      t.interrupt();
    }
  }
}
