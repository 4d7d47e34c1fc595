using System.Net;

namespace AspireRouter.Gateway.Execution;

/// <summary>How one attempt against one candidate ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The provider answered 2xx and (for streams) sent its first bytes; the response is the client's.</summary>
    Success,

    /// <summary>The provider rejected the request itself (4xx other than 408/429): returned to the client as it came.</summary>
    ClientError,

    /// <summary>408, 5xx, a redirect, a connection error, or the provider refusing the gateway's key (401, 402, 403): try the next candidate.</summary>
    Retryable,

    /// <summary>429: the endpoint is rate limiting; it cools down and the next candidate is tried at once.</summary>
    RateLimited,

    /// <summary>The request's deadline passed during the attempt.</summary>
    DeadlineExceeded,

    /// <summary>The client went away.</summary>
    ClientAborted,

    /// <summary>Cancelled because a hedged twin answered first.</summary>
    Superseded,
}

/// <summary>The names an attempt's outcome goes by in metrics, traces and cost events.</summary>
public static class AttemptOutcomes
{
    public static string Name(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Success => "success",
        AttemptOutcome.ClientError => "client_error",
        AttemptOutcome.Retryable => "retryable_error",
        AttemptOutcome.RateLimited => "rate_limited",
        AttemptOutcome.DeadlineExceeded => "timeout",
        AttemptOutcome.Superseded => "superseded",
        _ => "client_aborted",
    };
}

/// <summary>Rules for which upstream answers may be retried elsewhere.</summary>
public static class RetryPolicy
{
    /// <summary>
    /// 429, 408 and 5xx are the provider's trouble, and so is a redirect: the gateway does not follow one (the
    /// call would carry the provider key elsewhere), and an OpenAI client cannot use it. So is a 401, 402 or 403: the
    /// gateway's own provider key was refused (expired, wrong, out of credit), which is never the tenant's fault.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || IsProviderKeyRejected(status)
        || (int)status >= 500 || (int)status is >= 300 and < 400;

    /// <summary>401, 402 or 403 from a provider: it refused the gateway's key (the tenant's own key never reaches it).</summary>
    public static bool IsProviderKeyRejected(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.PaymentRequired or HttpStatusCode.Forbidden;

    /// <summary>The provider's <c>Retry-After</c>, as a delay (delta seconds or an HTTP date).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date && date > now ? date - now : null;
    }
}
