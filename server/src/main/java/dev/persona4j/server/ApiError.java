package dev.persona4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.internal.Json;

/**
 * A request the server answers with an error in OpenAI's shape, {@code {"error": {"message", "type",
 * "param", "code"}}}, and an HTTP status, so that OpenAI clients raise their own typed errors.
 */
final class ApiError extends Persona4jException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  ApiError(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** 400: a field of the request is missing, of the wrong type or out of range. */
  static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", param, "invalid_value", message);
  }

  static ApiError unknownModel(String model, Iterable<String> known) {
    return new ApiError(404, "invalid_request_error", "model", "model_not_found",
        "The model '" + model + "' does not exist: this server serves the personas " + known);
  }

  static ApiError notFound(String method, String path) {
    return new ApiError(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: " + method + " " + path);
  }

  static ApiError unauthorized() {
    return new ApiError(401, "invalid_request_error", null, "invalid_api_key",
        "Incorrect or missing API key: send the server's key as 'Authorization: Bearer KEY'");
  }

  static ApiError tooLarge(long limit) {
    return new ApiError(413, "invalid_request_error", null, "request_too_large",
        "The request body is larger than this server's limit of " + limit + " bytes");
  }

  static ApiError queueFull(int running, int queued) {
    return new ApiError(429, "requests", null, "rate_limit_exceeded",
        "The server is busy: " + running + " replies are being generated and " + queued
            + " are waiting; retry shortly");
  }

  static ApiError shuttingDown() {
    return new ApiError(503, "server_error", null, "shutting_down", "The server is shutting down");
  }

  static ApiError internal(String what) {
    return new ApiError(500, "server_error", null, "internal_error", "Internal error: " + what);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  ObjectNode toJson() {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", getMessage());
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    return root;
  }
}
