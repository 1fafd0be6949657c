package io.raftvip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class JsonTest {

  @Test
  void writesNestedValuesInOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", List.of(true, false, 2.5, -7L));
    m.put("n", null);
    m.put("o", Map.of("k", "v"));
    m.put("e", List.of());

    assertThat(Json.write(m))
        .isEqualTo("{\"b\":1,\"a\":[true,false,2.5,-7],\"n\":null,\"o\":{\"k\":\"v\"},\"e\":[]}");
  }

  @Test
  void escapesStrings() {
    String nasty = "q\"b\\s/n\nr\rt\tb\bf\f\u0001\u007f\u2028é😀";

    String json = Json.write(nasty);

    assertThat(json).isEqualTo("\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f\\u0001\\u007f\\u2028é😀\"");
    Object parsedBack = new Yaml().load(json);
    assertThat(parsedBack).isEqualTo(nasty);
  }

  @Test
  void refusesWhatJsonCannotSay() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(new Object()))
        .hasMessage("no JSON form for java.lang.Object");
    Object[] deep = new Object[1];
    List<Object> chain = Arrays.asList(deep);
    deep[0] = chain;
    assertThatThrownBy(() -> Json.write(chain)).hasMessage("JSON value nested deeper than 32");
  }
}
