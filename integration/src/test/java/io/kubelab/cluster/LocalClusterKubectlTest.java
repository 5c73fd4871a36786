package io.kubelab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.testing.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kubectl against the whole stack: run a pod, wait for it to be Ready, delete it. */
@Timeout(180)
class LocalClusterKubectlTest {

  @TempDir Path dir;
  private LocalCluster cluster;
  private Kubectl kubectl;

  @BeforeAll
  static void findKubectl() {
    Kubectl.find();
  }

  @BeforeEach
  void start() throws Exception {
    Map<String, Quantity> size =
        Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"), "pods", new Quantity("20"));
    cluster =
        LocalCluster.start(
            ApiServer.builder().build(),
            List.of(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName("node-a")
                    .endMetadata()
                    .withNewStatus()
                    .withCapacity(size)
                    .withAllocatable(size)
                    .endStatus()
                    .build()),
            Profiles.default118(),
            1);
    Path kubeconfig = dir.resolve("kubeconfig");
    cluster.server().writeKubeconfig(kubeconfig);
    kubectl = Kubectl.with(kubeconfig);
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void kubectlRunsAPodWaitsForItAndDeletesIt() throws Exception {
    assertThat(kubectl.run("run", "web", "--image=nginx:1.19", "--restart=Never"))
        .contains("pod/web created");
    assertThat(kubectl.run("wait", "--for=condition=Ready", "pod/web", "--timeout=60s"))
        .contains("pod/web condition met");
    assertThat(
            kubectl.run(
                "get",
                "pod",
                "web",
                "-o",
                "jsonpath={.status.phase} {.spec.nodeName} {.status.podIP}"))
        .isEqualTo("Running node-a 10.244.0.2");
    assertThat(
            kubectl.run(
                "get",
                "events",
                "--field-selector",
                "involvedObject.name=web",
                "-o",
                "jsonpath={range .items[*]}{.reason}/{.source.component}{\"\\n\"}{end}"))
        .contains("Scheduled/default-scheduler", "Created/kubelet", "Started/kubelet");

    // kubectl delete waits until the kubelet has stopped the pod and finished the deletion
    assertThat(kubectl.run("delete", "pod", "web", "--timeout=60s"))
        .contains("pod \"web\" deleted");
    assertThat(kubectl.run(1, "get", "pod", "web")).contains("pods \"web\" not found");
  }

  @Test
  void kubectlScalesAReplicaSetAndTheControllerFollows() throws Exception {
    Path rs = dir.resolve("rs.yaml");
    Files.writeString(
        rs,
        """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: nginx
                image: nginx:1.19
        """);
    assertThat(kubectl.run("apply", "-f", rs.toString())).contains("replicaset.apps/web created");
    assertThat(
            kubectl.run(
                "wait", "--for=jsonpath={.status.readyReplicas}=3", "rs/web", "--timeout=60s"))
        .contains("replicaset.apps/web condition met");
    assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "name").lines())
        .hasSize(3)
        .allMatch(l -> l.matches("pod/web-[a-z0-9]{5}"));

    assertThat(kubectl.run("scale", "rs", "web", "--replicas=1"))
        .contains("replicaset.apps/web scaled");
    assertThat(
            kubectl.run("wait", "--for=jsonpath={.status.replicas}=1", "rs/web", "--timeout=60s"))
        .contains("condition met");
    assertThat(
            kubectl.run(
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=ReplicaSet",
                "-o",
                "jsonpath={range .items[*]}{.reason}/{.source.component}{\"\\n\"}{end}"))
        .contains(
            "SuccessfulCreate/replicaset-controller", "SuccessfulDelete/replicaset-controller");
  }

  @Test
  void kubectlRollsOutADeploymentAndRollsItBack() throws Exception {
    Path deploy = dir.resolve("deploy.yaml");
    Files.writeString(
        deploy,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: hello
        spec:
          replicas: 3
          selector:
            matchLabels: {app: hello}
          template:
            metadata:
              labels: {app: hello}
            spec:
              containers:
              - name: nginx
                image: nginx:1.19
        """);
    assertThat(kubectl.run("apply", "-f", deploy.toString()))
        .contains("deployment.apps/hello created");
    assertThat(kubectl.run("rollout", "status", "deploy/hello", "--timeout=60s"))
        .contains("deployment \"hello\" successfully rolled out");
    assertThat(kubectl.run("set", "image", "deploy/hello", "nginx=nginx:1.20"))
        .contains("deployment.apps/hello image updated");
    assertThat(kubectl.run("rollout", "status", "deploy/hello", "--timeout=60s"))
        .contains("deployment \"hello\" successfully rolled out");
    // two ReplicaSets, the old one scaled to 0; every pod runs the new image
    assertThat(
            kubectl
                .run(
                    "get",
                    "rs",
                    "-l",
                    "app=hello",
                    "-o",
                    "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas}"
                        + " {.metadata.annotations.deployment\\.kubernetes\\.io/revision}{\"\\n\"}{end}")
                .lines()
                .sorted())
        .containsExactly("nginx:1.19=0 1", "nginx:1.20=3 2");
    // the pods not being deleted (the old ones may still be terminating)
    assertThat(
            kubectl
                .run(
                    "get",
                    "pods",
                    "-l",
                    "app=hello",
                    "-o",
                    "jsonpath={range .items[*]}{.metadata.deletionTimestamp}|"
                        + "{.spec.containers[0].image}{\"\\n\"}{end}")
                .lines()
                .filter(l -> l.startsWith("|")))
        .containsExactly("|nginx:1.20", "|nginx:1.20", "|nginx:1.20");
    assertThat(kubectl.run("rollout", "undo", "deploy/hello")).contains("rolled back");
    assertThat(kubectl.run("rollout", "status", "deploy/hello", "--timeout=60s"))
        .contains("successfully rolled out");
    assertThat(
            kubectl.run(
                "get",
                "deploy",
                "hello",
                "-o",
                "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"
                    + " {.spec.template.spec.containers[0].image}"))
        .isEqualTo("3 nginx:1.19");
    assertThat(
            kubectl.run(
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=Deployment",
                "-o",
                "jsonpath={range .items[*]}{.reason}/{.source.component}{\"\\n\"}{end}"))
        .contains("ScalingReplicaSet/deployment-controller");
  }
}
