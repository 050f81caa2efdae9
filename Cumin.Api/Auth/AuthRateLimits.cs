using System.Globalization;
using System.Threading.RateLimiting;
using Cumin.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Auth;

/// <summary>Configuration section <c>Cumin:RateLimits</c>: per-minute limits of the requests that guess or enumerate.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Cumin:RateLimits";

    /// <summary>Login and register attempts per client address (an IPv6 client: per /64).</summary>
    public int AuthPerClientPerMinute { get; set; } = 30;

    /// <summary>
    /// Refreshes per client address: each one presents a token naming a user, which costs that user's activation, so
    /// random ones must not be free (issue 12, finding 8). Generous, since every tab of every person behind one address
    /// refreshes a few times an hour.
    /// </summary>
    public int RefreshPerClientPerMinute { get; set; } = 120;

    /// <summary>Failed logins for one e-mail address from one client address.</summary>
    public int LoginFailuresPerEmailAndClientPerMinute { get; set; } = 10;

    /// <summary>Failed logins for one e-mail address from all clients together: the ceiling only a crowd reaches.</summary>
    public int LoginFailuresPerEmailPerMinute { get; set; } = 100;

    /// <summary>Members added (attempts, found or not) per user: the answers tell which addresses have accounts.</summary>
    public int AddMemberPerUserPerMinute { get; set; } = 20;
}

/// <summary>
/// The endpoint policies: login and register per client address, adding members per user. Failed logins per e-mail
/// are counted by <see cref="SignInThrottle"/> once the body is read.
/// </summary>
public static class AuthRateLimits
{
    public const string PerClientPolicy = "auth-per-client";

    public const string RefreshPerClientPolicy = "refresh-per-client";

    public const string AddMemberPolicy = "add-member-per-user";

    public static void Configure(RateLimiterOptions limiter, RateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(PerClientPolicy, http => PerClient(http, options.AuthPerClientPerMinute));
        limiter.AddPolicy(RefreshPerClientPolicy, http => PerClient(http, options.RefreshPerClientPerMinute));
        // After authentication: the caller is known (the endpoint requires it).
        limiter.AddPolicy(AddMemberPolicy, http =>
            RateLimitPartition.GetFixedWindowLimiter(
                http.User.FindFirst("sub")?.Value ?? TrustedProxies.ClientKey(http),
                _ => Window(options.AddMemberPerUserPerMinute)));
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

    private static RateLimitPartition<string> PerClient(HttpContext http, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(TrustedProxies.ClientKey(http), _ => Window(permits));

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
