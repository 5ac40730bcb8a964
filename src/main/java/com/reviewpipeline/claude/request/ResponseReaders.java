package com.reviewpipeline.claude.request;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/** Each pipeline's {@link ResponseReader}: reads a batch's answer as the model it was sent to writes it. */
public final class ResponseReaders {

  private final AppConfig app;
  private final Map<String, ResponseReader> readers = new HashMap<>();

  public ResponseReaders(AppConfig app) {
    this.app = app;
    for (PipelineConfig p : app.pipelines()) {
      readers.put(p.name(), ResponseReader.of(p));
    }
  }

  /** The answer {@code message} to {@code batch} from {@code model}; throws {@link ResponseFormatException}. */
  public ParsedResponse read(Batch batch, String model, JsonObject message) {
    if (message == null) {
      throw new ResponseFormatException("the body is not a JSON object");
    }
    return readers.get(batch.pipeline()).read(message, app.models().of(model).output(),
        ClaudeRequests.batchIds(batch.size()));
  }
}
