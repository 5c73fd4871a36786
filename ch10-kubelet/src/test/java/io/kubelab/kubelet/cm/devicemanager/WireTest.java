package io.kubelab.kubelet.cm.devicemanager;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginApi;
import io.kubelab.kubelet.deviceplugin.v1beta1.RegisterRequest;
import io.kubelab.kubelet.pluginregistration.v1.PluginRegistrationApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The generated classes against upstream's wire format: every message's fields (name, number, type,
 * repeated) and every service method, compared with upstream's v1.18 api.proto files as listed here
 * by hand. A renumbered or renamed field, or a missing message, fails.
 */
class WireTest {

  // message -> "field=number:type[:repeated]", from upstream's v1beta1 api.proto (v1.18).
  private static final Map<String, List<String>> DEVICE_PLUGIN =
      Map.ofEntries(
          Map.entry("DevicePluginOptions", List.of("pre_start_required=1:BOOL")),
          Map.entry(
              "RegisterRequest",
              List.of(
                  "version=1:STRING",
                  "endpoint=2:STRING",
                  "resource_name=3:STRING",
                  "options=4:MESSAGE")),
          Map.entry("Empty", List.of()),
          Map.entry("ListAndWatchResponse", List.of("devices=1:MESSAGE:repeated")),
          Map.entry("TopologyInfo", List.of("nodes=1:MESSAGE:repeated")),
          Map.entry("NUMANode", List.of("ID=1:INT64")),
          Map.entry("Device", List.of("ID=1:STRING", "health=2:STRING", "topology=3:MESSAGE")),
          Map.entry("PreStartContainerRequest", List.of("devicesIDs=1:STRING:repeated")),
          Map.entry("PreStartContainerResponse", List.of()),
          Map.entry("AllocateRequest", List.of("container_requests=1:MESSAGE:repeated")),
          Map.entry("ContainerAllocateRequest", List.of("devicesIDs=1:STRING:repeated")),
          Map.entry("AllocateResponse", List.of("container_responses=1:MESSAGE:repeated")),
          Map.entry(
              "ContainerAllocateResponse",
              List.of(
                  "envs=1:MESSAGE:repeated",
                  "mounts=2:MESSAGE:repeated",
                  "devices=3:MESSAGE:repeated",
                  "annotations=4:MESSAGE:repeated")),
          Map.entry(
              "Mount",
              List.of("container_path=1:STRING", "host_path=2:STRING", "read_only=3:BOOL")),
          Map.entry(
              "DeviceSpec",
              List.of("container_path=1:STRING", "host_path=2:STRING", "permissions=3:STRING")));

  private static final Map<String, List<String>> PLUGIN_REGISTRATION =
      Map.of(
          "PluginInfo",
          List.of(
              "type=1:STRING",
              "name=2:STRING",
              "endpoint=3:STRING",
              "supported_versions=4:STRING:repeated"),
          "RegistrationStatus",
          List.of("plugin_registered=1:BOOL", "error=2:STRING"),
          "RegistrationStatusResponse",
          List.of(),
          "InfoRequest",
          List.of());

  private static Map<String, List<String>> messages(FileDescriptor f) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Descriptor d : f.getMessageTypes()) {
      List<String> fields = new ArrayList<>();
      for (FieldDescriptor fd : d.getFields()) {
        fields.add(
            fd.getName()
                + "="
                + fd.getNumber()
                + ":"
                + fd.getType().name()
                + (fd.isRepeated() ? ":repeated" : ""));
      }
      out.put(d.getName(), fields);
    }
    return out;
  }

  private static Map<String, String> services(FileDescriptor f) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ServiceDescriptor s : f.getServices()) {
      for (MethodDescriptor m : s.getMethods()) {
        out.put(
            "/" + f.getPackage() + "." + s.getName() + "/" + m.getName(),
            m.getInputType().getName()
                + " -> "
                + (m.isServerStreaming() ? "stream " : "")
                + m.getOutputType().getName());
      }
    }
    return out;
  }

  @Test
  void everyDevicePluginMessageHasUpstreamsFieldNamesAndNumbers() {
    FileDescriptor f = DevicePluginApi.getDescriptor();
    assertThat(f.getPackage()).isEqualTo("v1beta1");
    assertThat(messages(f)).isEqualTo(new TreeMap<>(DEVICE_PLUGIN));
  }

  @Test
  void theDevicePluginServicesHaveUpstreamsMethodNames() {
    assertThat(services(DevicePluginApi.getDescriptor()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "/v1beta1.Registration/Register", "RegisterRequest -> Empty",
                "/v1beta1.DevicePlugin/GetDevicePluginOptions", "Empty -> DevicePluginOptions",
                "/v1beta1.DevicePlugin/ListAndWatch", "Empty -> stream ListAndWatchResponse",
                "/v1beta1.DevicePlugin/Allocate", "AllocateRequest -> AllocateResponse",
                "/v1beta1.DevicePlugin/PreStartContainer",
                    "PreStartContainerRequest -> PreStartContainerResponse"));
  }

  @Test
  void everyPluginRegistrationMessageHasUpstreamsFieldNamesAndNumbers() {
    FileDescriptor f = PluginRegistrationApi.getDescriptor();
    assertThat(f.getPackage()).isEqualTo("pluginregistration");
    assertThat(messages(f)).isEqualTo(new TreeMap<>(PLUGIN_REGISTRATION));
    assertThat(services(f))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "/pluginregistration.Registration/GetInfo", "InfoRequest -> PluginInfo",
                "/pluginregistration.Registration/NotifyRegistrationStatus",
                    "RegistrationStatus -> RegistrationStatusResponse"));
  }

  @Test
  void aRegisterRequestEncodesWithUpstreamsTags() throws Exception {
    byte[] wire =
        RegisterRequest.newBuilder()
            .setVersion("v1beta1")
            .setEndpoint("gpu.sock")
            .setResourceName("kubelab.io/fake-gpu")
            .setOptions(
                io.kubelab.kubelet.deviceplugin.v1beta1.DevicePluginOptions.newBuilder()
                    .setPreStartRequired(true))
            .build()
            .toByteArray();
    // Decode by hand: (field number, wire type) as upstream's Go code would read them.
    CodedInputStream in = CodedInputStream.newInstance(wire);
    List<String> seen = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = tag >>> 3;
      int type = tag & 7;
      seen.add(field + "/" + type + "=" + (type == 2 ? in.readBytes().toStringUtf8() : "?"));
    }
    assertThat(seen)
        .containsExactly(
            "1/2=v1beta1", "2/2=gpu.sock", "3/2=kubelab.io/fake-gpu", "4/2=\u0008\u0001");
  }
}
