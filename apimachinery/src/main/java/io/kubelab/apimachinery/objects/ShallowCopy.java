package io.kubelab.apimachinery.objects;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A new object of the same class whose fields hold the same values: a setter that replaces one of
 * the copy's fields leaves the original alone, but the objects both refer to (lists, maps, nested
 * specs) are shared, so a call that changes one of those in place (a list's {@code add}, fabric8's
 * {@code setAdditionalProperty}, which puts into a shared map) changes both.
 *
 * <p>Upstream copies whole objects ({@code pod.DeepCopy()}, generated per type) before changing one
 * field: the scheduler's assumed pod, the API server's updated pod. A Java deep copy through the
 * model's builders walks every nested builder and is large enough that compiling it keeps the JIT
 * busy long after start-up; where the code then changes only top-level fields of the copy (a pod's
 * {@code spec.nodeName}, its {@code status}), a shallow copy of the objects on the way down is the
 * same thing for every reader that treats the model as immutable, as all of kubelab's readers do.
 *
 * <p>For the API model classes (plain fields, a public no-argument constructor). The classes the
 * scheduler copies for every pod it places (the pod, its metadata, spec and status, a condition)
 * are copied by written-out getter and setter calls; any other class field by field through
 * reflection. The two do the same, but reflective field access runs through method handles that a
 * fresh JVM interprets for thousands of calls before it compiles them: in a scheduler's first
 * second, reflection was a tenth of its CPU time. {@code ShallowCopyTest} checks that the written
 * copies carry every field the model class declares, so a field added by a new fabric8 release
 * fails the build rather than being dropped.
 */
public final class ShallowCopy {

  /** The written-out copies, by exact class (a subclass may declare fields of its own). */
  private static final Map<Class<?>, Copier> WRITTEN =
      Map.of(
          Pod.class, o -> copy((Pod) o),
          PodSpec.class, o -> copy((PodSpec) o),
          PodStatus.class, o -> copy((PodStatus) o),
          ObjectMeta.class, o -> copy((ObjectMeta) o),
          PodCondition.class, o -> copy((PodCondition) o));

  private static final ClassValue<Copier> COPIERS =
      new ClassValue<>() {
        @Override
        protected Copier computeValue(Class<?> type) {
          Copier written = WRITTEN.get(type);
          return written != null ? written : new ReflectiveCopier(type);
        }
      };

  private ShallowCopy() {}

  /** A shallow copy of {@code obj}, or null for null. */
  @SuppressWarnings("unchecked")
  public static <T> T of(T obj) {
    if (obj == null) {
      return null;
    }
    return (T) COPIERS.get(obj.getClass()).copy(obj);
  }

  /** A copy through reflection, whatever the class, without the per-class cache (for tests). */
  static Object copyReflectively(Object obj) {
    return new ReflectiveCopier(obj.getClass()).copy(obj);
  }

  /** Whether {@code type} is copied by written-out calls rather than through reflection. */
  static boolean writtenOut(Class<?> type) {
    return WRITTEN.containsKey(type);
  }

  private interface Copier {
    Object copy(Object obj);
  }

  private static Pod copy(Pod s) {
    Pod c = new Pod();
    c.setApiVersion(s.getApiVersion());
    c.setKind(s.getKind());
    c.setMetadata(s.getMetadata());
    c.setSpec(s.getSpec());
    c.setStatus(s.getStatus());
    c.setAdditionalProperties(s.getAdditionalProperties());
    return c;
  }

  private static PodSpec copy(PodSpec s) {
    PodSpec c = new PodSpec();
    c.setActiveDeadlineSeconds(s.getActiveDeadlineSeconds());
    c.setAffinity(s.getAffinity());
    c.setAutomountServiceAccountToken(s.getAutomountServiceAccountToken());
    c.setContainers(s.getContainers());
    c.setDnsConfig(s.getDnsConfig());
    c.setDnsPolicy(s.getDnsPolicy());
    c.setEnableServiceLinks(s.getEnableServiceLinks());
    c.setEphemeralContainers(s.getEphemeralContainers());
    c.setEvictionResponders(s.getEvictionResponders());
    c.setHostAliases(s.getHostAliases());
    c.setHostIPC(s.getHostIPC());
    c.setHostNetwork(s.getHostNetwork());
    c.setHostPID(s.getHostPID());
    c.setHostUsers(s.getHostUsers());
    c.setHostname(s.getHostname());
    c.setHostnameOverride(s.getHostnameOverride());
    c.setImagePullSecrets(s.getImagePullSecrets());
    c.setInitContainers(s.getInitContainers());
    c.setNodeName(s.getNodeName());
    c.setNodeSelector(s.getNodeSelector());
    c.setOs(s.getOs());
    c.setOverhead(s.getOverhead());
    c.setPreemptionPolicy(s.getPreemptionPolicy());
    c.setPriority(s.getPriority());
    c.setPriorityClassName(s.getPriorityClassName());
    c.setReadinessGates(s.getReadinessGates());
    c.setResourceClaims(s.getResourceClaims());
    c.setResources(s.getResources());
    c.setRestartPolicy(s.getRestartPolicy());
    c.setRuntimeClassName(s.getRuntimeClassName());
    c.setSchedulerName(s.getSchedulerName());
    c.setSchedulingGates(s.getSchedulingGates());
    c.setSchedulingGroup(s.getSchedulingGroup());
    c.setSecurityContext(s.getSecurityContext());
    c.setServiceAccount(s.getServiceAccount());
    c.setServiceAccountName(s.getServiceAccountName());
    c.setSetHostnameAsFQDN(s.getSetHostnameAsFQDN());
    c.setShareProcessNamespace(s.getShareProcessNamespace());
    c.setSubdomain(s.getSubdomain());
    c.setTerminationGracePeriodSeconds(s.getTerminationGracePeriodSeconds());
    c.setTolerations(s.getTolerations());
    c.setTopologySpreadConstraints(s.getTopologySpreadConstraints());
    c.setVolumes(s.getVolumes());
    c.setAdditionalProperties(s.getAdditionalProperties());
    return c;
  }

  private static PodStatus copy(PodStatus s) {
    PodStatus c = new PodStatus();
    c.setAllocatedResources(s.getAllocatedResources());
    c.setConditions(s.getConditions());
    c.setContainerStatuses(s.getContainerStatuses());
    c.setEphemeralContainerStatuses(s.getEphemeralContainerStatuses());
    c.setExtendedResourceClaimStatus(s.getExtendedResourceClaimStatus());
    c.setHostIP(s.getHostIP());
    c.setHostIPs(s.getHostIPs());
    c.setInitContainerStatuses(s.getInitContainerStatuses());
    c.setMessage(s.getMessage());
    c.setNodeAllocatableResourceClaimStatuses(s.getNodeAllocatableResourceClaimStatuses());
    c.setNominatedNodeName(s.getNominatedNodeName());
    c.setObservedGeneration(s.getObservedGeneration());
    c.setPhase(s.getPhase());
    c.setPodIP(s.getPodIP());
    c.setPodIPs(s.getPodIPs());
    c.setQosClass(s.getQosClass());
    c.setReason(s.getReason());
    c.setResize(s.getResize());
    c.setResourceClaimStatuses(s.getResourceClaimStatuses());
    c.setResources(s.getResources());
    c.setStartTime(s.getStartTime());
    c.setVolumeHealth(s.getVolumeHealth());
    c.setAdditionalProperties(s.getAdditionalProperties());
    return c;
  }

  private static ObjectMeta copy(ObjectMeta s) {
    ObjectMeta c = new ObjectMeta();
    c.setAnnotations(s.getAnnotations());
    c.setCreationTimestamp(s.getCreationTimestamp());
    c.setDeletionGracePeriodSeconds(s.getDeletionGracePeriodSeconds());
    c.setDeletionTimestamp(s.getDeletionTimestamp());
    c.setFinalizers(s.getFinalizers());
    c.setGenerateName(s.getGenerateName());
    c.setGeneration(s.getGeneration());
    c.setLabels(s.getLabels());
    c.setManagedFields(s.getManagedFields());
    c.setName(s.getName());
    c.setNamespace(s.getNamespace());
    c.setOwnerReferences(s.getOwnerReferences());
    c.setResourceVersion(s.getResourceVersion());
    c.setSelfLink(s.getSelfLink());
    c.setUid(s.getUid());
    c.setAdditionalProperties(s.getAdditionalProperties());
    return c;
  }

  private static PodCondition copy(PodCondition s) {
    PodCondition c = new PodCondition();
    c.setLastProbeTime(s.getLastProbeTime());
    c.setLastTransitionTime(s.getLastTransitionTime());
    c.setMessage(s.getMessage());
    c.setObservedGeneration(s.getObservedGeneration());
    c.setReason(s.getReason());
    c.setStatus(s.getStatus());
    c.setType(s.getType());
    c.setAdditionalProperties(s.getAdditionalProperties());
    return c;
  }

  private static final class ReflectiveCopier implements Copier {
    private final Class<?> type;
    private final Constructor<?> constructor;
    private final Field[] fields;

    ReflectiveCopier(Class<?> type) {
      this.type = type;
      try {
        this.constructor = type.getDeclaredConstructor();
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(
            "cannot copy " + type.getName() + ": it has no constructor without arguments", e);
      }
      open(type, constructor);
      List<Field> all = new ArrayList<>();
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (Modifier.isStatic(m)) {
            continue;
          }
          if (Modifier.isFinal(m)) {
            throw new IllegalArgumentException(
                "cannot copy " + type.getName() + ": field " + f.getName() + " is final");
          }
          open(type, f);
          all.add(f);
        }
      }
      this.fields = all.toArray(new Field[0]);
    }

    /** Makes a private member usable; a module that does not open its classes is named. */
    private static void open(Class<?> type, AccessibleObject member) {
      try {
        member.setAccessible(true);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot copy " + type.getName() + ": " + e.getMessage(), e);
      }
    }

    @Override
    public Object copy(Object obj) {
      try {
        Object out = constructor.newInstance();
        for (Field f : fields) {
          f.set(out, f.get(obj));
        }
        return out;
      } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
        throw new IllegalArgumentException("cannot copy " + type.getName() + ": " + e, e);
      }
    }
  }
}
