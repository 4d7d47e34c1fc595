using System.Net;

namespace AspireRouter.Gateway.Execution;

/// <summary>How one attempt against one candidate ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The provider answered 2xx and (for streams) sent its first bytes; the response is the client's.</summary>
    Success,

    /// <summary>The provider rejected the request itself (4xx other than 408/429): returned to the client as it came.</summary>
    ClientError,

    /// <summary>429, 408, 5xx, a timeout or a connection error: try the next candidate.</summary>
    Retryable,

    /// <summary>The request's deadline passed during the attempt.</summary>
    DeadlineExceeded,

    /// <summary>The client went away.</summary>
    ClientAborted,

    /// <summary>Cancelled because a hedged twin answered first.</summary>
    Superseded,
}

/// <summary>Rules for which upstream answers may be retried elsewhere.</summary>
public static class RetryPolicy
{
    /// <summary>
    /// 429, 408 and 5xx are the provider's trouble, and so is a redirect: the gateway does not follow one (the
    /// call would carry the provider key elsewhere), and an OpenAI client cannot use it.
    /// </summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500 || (int)status is >= 300 and < 400;

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
