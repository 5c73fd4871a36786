package io.kubelab.apimachinery.objects;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

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
 * <p>For the API model classes (plain fields, a public no-argument constructor).
 */
public final class ShallowCopy {

  private static final ClassValue<Copier> COPIERS =
      new ClassValue<>() {
        @Override
        protected Copier computeValue(Class<?> type) {
          return new Copier(type);
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

  private static final class Copier {
    private final Class<?> type;
    private final Constructor<?> constructor;
    private final Field[] fields;

    Copier(Class<?> type) {
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

    Object copy(Object obj) {
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
