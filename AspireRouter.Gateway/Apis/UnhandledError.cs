using AspireRouter.Gateway.Requests;
using Microsoft.AspNetCore.Diagnostics;

namespace AspireRouter.Gateway.Apis;

/// <summary>Last-resort handlers: OpenAI-shaped errors, never a stack trace.</summary>
public static class UnhandledError
{
    public static Task WriteAsync(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = failure is BadHttpRequestException bad
            ? new RequestError(bad.StatusCode, "The request could not be read.", "invalid_request_error", null, "bad_request")
            : new RequestError(StatusCodes.Status500InternalServerError, "The gateway failed to process the request.", "api_error", null, "internal_error");
        return OpenAiErrors.WriteAsync(context, error);
    }
}

/// <summary>Bodies for bare status codes (unknown route 404, wrong method 405, …) in OpenAI's error shape.</summary>
public static class StatusCodeErrors
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new RequestError(status, $"Unknown path '{http.Request.Path}'.", "invalid_request_error", null, "unknown_url"),
            StatusCodes.Status405MethodNotAllowed => new RequestError(status, $"Method {http.Request.Method} is not allowed on '{http.Request.Path}'.", "invalid_request_error", null, "method_not_allowed"),
            StatusCodes.Status415UnsupportedMediaType => new RequestError(status, "Send the request body as application/json.", "invalid_request_error", null, "unsupported_media_type"),
            _ => new RequestError(status, $"HTTP {status}.", status >= 500 ? "api_error" : "invalid_request_error", null, null),
        };
        return OpenAiErrors.WriteAsync(http, error);
    }
}
