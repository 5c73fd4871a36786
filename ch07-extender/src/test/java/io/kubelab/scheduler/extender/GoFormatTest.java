package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's {@code %q}, as upstream's extender errors quote URLs and node names. */
class GoFormatTest {

  @Test
  void quotesAsGosPercentQ() {
    assertThat(GoFormat.quote("n1")).isEqualTo("\"n1\"");
    assertThat(GoFormat.quote("")).isEqualTo("\"\"");
    assertThat(GoFormat.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(GoFormat.quote("a\\b")).isEqualTo("\"a\\\\b\"");
    assertThat(GoFormat.quote("tab\there")).isEqualTo("\"tab\\there\"");
    assertThat(GoFormat.quote("new\nline\r")).isEqualTo("\"new\\nline\\r\"");
    // Other control characters as \xNN; a space, '~' and printable non-ASCII stay as they are.
    assertThat(GoFormat.quote("bell\u0007")).isEqualTo("\"bell\\x07\"");
    assertThat(GoFormat.quote("\u0000unit\u001f")).isEqualTo("\"\\x00unit\\x1f\"");
    assertThat(GoFormat.quote("del\u007f")).isEqualTo("\"del\\x7f\"");
    assertThat(GoFormat.quote(" ~ stays")).isEqualTo("\" ~ stays\"");
    assertThat(GoFormat.quote("nœud-é")).isEqualTo("\"nœud-é\"");
  }
}
