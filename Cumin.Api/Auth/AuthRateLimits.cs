using System.Globalization;
using System.Threading.RateLimiting;
using Cumin.Api.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Auth;

/// <summary>Configuration section <c>Cumin:RateLimits</c>: attempts at login and register per minute.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Cumin:RateLimits";

    public int AuthPerClientPerMinute { get; set; } = 30;

    public int AuthPerEmailPerMinute { get; set; } = 10;
}

/// <summary>
/// Login and register are limited per client address (an endpoint policy) and per e-mail address (checked in the
/// handler once the body is read), so neither one machine nor a botnet aimed at one account gets far.
/// </summary>
public sealed class AuthRateLimits : IDisposable
{
    public const string PerClientPolicy = "auth-per-client";

    private readonly PartitionedRateLimiter<string> _perEmail;

    public AuthRateLimits(IOptions<RateLimitOptions> options)
    {
        var limit = options.Value.AuthPerEmailPerMinute;
        _perEmail = PartitionedRateLimiter.Create<string, string>(email =>
            RateLimitPartition.GetFixedWindowLimiter(email, _ => Window(limit)));
    }

    /// <summary>Takes one attempt for <paramref name="normalizedEmail"/>; false with the wait when none is left.</summary>
    public bool TryAcquire(string normalizedEmail, out TimeSpan retryAfter)
    {
        using var lease = _perEmail.AttemptAcquire(normalizedEmail);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _perEmail.Dispose();

    public static void Configure(RateLimiterOptions limiter, RateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(PerClientPolicy, http =>
            RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => Window(options.AuthPerClientPerMinute)));
        limiter.OnRejected = async (context, cancellationToken) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            await TooManyRequests(context.HttpContext, wait).ExecuteAsync(context.HttpContext);
        };
    }

    /// <summary>429 problem+json with <c>Retry-After</c> in whole seconds.</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext httpContext, TimeSpan wait)
    {
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Problem(StatusCodes.Status429TooManyRequests, "Too many requests", "Too many attempts; retry after the time in Retry-After.");
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
