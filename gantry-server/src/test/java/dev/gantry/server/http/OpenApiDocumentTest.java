package dev.gantry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  private final OpenApiContract contract = OpenApiContract.get();

  @Test
  void everyRouteOfTheServerIsDocumentedAndEveryDocumentedOperationIsARoute() {
    try (TestServer t = TestServer.start()) {
      TreeSet<String> registered = new TreeSet<>();
      t.server.routes().forEach(r -> registered.add(r.toString()));

      assertThat(registered).isEqualTo(contract.operations());
    }
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(contract.document(), refs);

    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(contract.document().at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
    }
  }

  @Test
  void everyOperationDocumentsItsErrorsAsProblems() {
    contract.document().get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      JsonNode responses = op.getValue().get("responses");
      assertThat(responses.has("500")).as(op.getKey() + " " + path.getKey() + " documents 500").isTrue();
      responses.properties().forEach(r -> {
        if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
          JsonNode response = r.getValue().has("$ref")
              ? contract.document().at(r.getValue().get("$ref").asText().substring(1)) : r.getValue();
          assertThat(response.get("content").has("application/problem+json"))
              .as(op.getKey() + " " + path.getKey() + " " + r.getKey()).isTrue();
        }
      });
      boolean open = op.getValue().has("security");
      if (!open) {
        assertThat(responses.has("401") && responses.has("403")).as(op.getKey() + " " + path.getKey()).isTrue();
      }
    }));
  }

  @Test
  void theServedDocumentIsTheResource() {
    try (TestServer t = TestServer.start()) {
      assertThat(t.get("/openapi.json", null).json()).isEqualTo(contract.document());
    }
  }

  @Test
  void theContractCatchesAResponseThatBreaksIt() {
    // The checker itself must be able to fail: an undocumented field, a wrong type, an undocumented status.
    String job = "{\"id\":\"not-checked\",\"surprise\":1}";
    assertThat(contract.violations("GET", "/v1/jobs/0190f2d4-5b6e-7c3a-9d1e-2f4a6b8c0d1e", 200, "application/json", job))
        .isNotEmpty();
    assertThat(contract.violations("GET", "/v1/queues", 200, "application/json", "{\"queues\":[{\"queue\":1}]}"))
        .isNotEmpty();
    assertThat(contract.violations("GET", "/v1/queues", 418, "application/problem+json", "{}")).isNotEmpty();
    assertThat(contract.violations("GET", "/health/live", 200, "application/json", "{\"status\":\"up\"}")).isEmpty();
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }
}
