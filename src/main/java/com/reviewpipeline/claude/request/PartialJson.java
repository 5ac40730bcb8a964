package com.reviewpipeline.claude.request;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The complete items of a {@code {"results": [...]}} JSON text that was cut off (an answer stopped by
 * {@code max_tokens} or a refusal): every object of the array that closed before the cut, nothing of the one
 * that did not.
 */
final class PartialJson {

  private PartialJson() {}

  static JsonArray completeResults(String text) {
    JsonArray out = new JsonArray();
    int key = text.indexOf("\"results\"");
    int i = key < 0 ? -1 : text.indexOf('[', key);
    if (i < 0) {
      return out;
    }
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (i = i + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{', '[' -> {
          if (depth++ == 0) {
            start = i;
          }
        }
        case '}', ']' -> {
          if (depth == 0) {
            return out; // the results array itself closed
          }
          if (--depth == 0 && start >= 0) {
            add(out, text.substring(start, i + 1));
            start = -1;
          }
        }
        default -> { }
      }
    }
    return out;
  }

  private static void add(JsonArray out, String item) {
    try {
      out.add(new JsonObject(item));
    } catch (DecodeException | ClassCastException notAnObject) {
      out.add(item); // kept so the caller sees an unreadable item, not a silently shorter answer
    }
  }
}
