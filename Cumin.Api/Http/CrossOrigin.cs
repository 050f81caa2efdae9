using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cumin.Api.Http;

/// <summary>
/// Configuration section <c>Cumin:Cors</c>: the origins (scheme, host and port, e.g. <c>https://app.example.com</c>) of
/// web clients served from elsewhere that may call the API from a browser. None by default: only same-origin pages can.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Cumin:Cors";

    public IList<string> AllowedOrigins { get; } = [];
}

/// <summary>The CORS policies: one for the API's routes, one for the SignalR hub.</summary>
public static class CrossOrigin
{
    /// <summary>The hub's policy. SignalR's browser client sends negotiate with credentials, so this one allows them.</summary>
    public const string HubPolicy = "hub";

    /// <summary>What a cross-origin script may read beyond the simple response headers.</summary>
    private static readonly string[] ExposedHeaders = [HeaderNames.ETag, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.WWWAuthenticate];

    public static IServiceCollection AddCuminCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrossOriginOptions>()
            .Bind(configuration.GetSection(CrossOriginOptions.Section))
            .Validate(options => options.AllowedOrigins.All(IsOrigin), $"{CrossOriginOptions.Section}:AllowedOrigins must be origins: http(s)://host[:port], without path, query or trailing slash.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, allowed) =>
        {
            var origins = allowed.Value.AllowedOrigins.ToArray();
            // API calls carry their token in Authorization, never in a cookie: nothing to gain from credentials.
            cors.AddDefaultPolicy(policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders(ExposedHeaders));
            cors.AddPolicy(HubPolicy, policy => policy.WithOrigins(origins).AllowAnyHeader().WithMethods(HttpMethods.Get, HttpMethods.Post).AllowCredentials());
        });
        return services;
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.Equals(uri.GetLeftPart(UriPartial.Authority), value, StringComparison.OrdinalIgnoreCase);
}
