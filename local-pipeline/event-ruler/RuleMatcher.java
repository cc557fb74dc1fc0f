import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * Matches events against EventBridge rule patterns with AWS Event Ruler. Reads one JSON document
 * from standard input, {"rules": {"name": pattern, ...}, "events": [event, ...]}, and writes
 * {"matches": [["name", ...], ...]}, one sorted list of rule names per event, or
 * {"error": "..."} when a pattern does not compile (exit code 2).
 *
 * <p>With {@code --serve} it stays up for the local event bus, line by line: the first line is
 * the rules object, answered {"ready": true} (or {"error": ...} and exit code 2); every further
 * line is one event, answered {"matches": ["name", ...]} or {"error": "..."}, in order.
 */
public final class RuleMatcher {
  private RuleMatcher() {}

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--serve")) {
      serve();
      return;
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode input = json.readTree(System.in);
    Machine machine = Machine.builder().build();
    for (Map.Entry<String, JsonNode> rule : input.get("rules").properties()) {
      try {
        machine.addRule(rule.getKey(), json.writeValueAsString(rule.getValue()));
      } catch (Exception e) {
        System.out.println(json.createObjectNode().put("error", "rule " + rule.getKey() + ": " + e.getMessage()));
        System.exit(2);
      }
    }
    ArrayNode matches = json.createArrayNode();
    for (JsonNode event : input.get("events")) {
      try {
        List<String> names = new ArrayList<>(machine.rulesForJSONEvent(json.writeValueAsString(event)));
        Collections.sort(names);
        ArrayNode list = matches.addArray();
        names.forEach(list::add);
      } catch (Exception e) {
        System.out.println(json.createObjectNode().put("error", "event: " + e.getMessage()));
        System.exit(2);
      }
    }
    System.out.println(json.createObjectNode().set("matches", matches));
  }

  private static void serve() throws IOException {
    ObjectMapper json = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String rulesLine = in.readLine();
    if (rulesLine == null) return;
    Machine machine = Machine.builder().build();
    for (Map.Entry<String, JsonNode> rule : json.readTree(rulesLine).properties()) {
      try {
        machine.addRule(rule.getKey(), json.writeValueAsString(rule.getValue()));
      } catch (Exception e) {
        out.println(json.createObjectNode().put("error", "rule " + rule.getKey() + ": " + e.getMessage()));
        System.exit(2);
      }
    }
    out.println(json.createObjectNode().put("ready", true));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      try {
        List<String> names = new ArrayList<>(machine.rulesForJSONEvent(line));
        Collections.sort(names);
        ArrayNode list = json.createArrayNode();
        names.forEach(list::add);
        out.println(json.createObjectNode().set("matches", list));
      } catch (Exception e) {
        out.println(json.createObjectNode().put("error", "event: " + e.getMessage()));
      }
    }
  }
}
