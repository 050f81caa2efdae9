using System.IO.Compression;
using Cumin.Api.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cumin.Api.WebApp;

/// <summary>
/// Serves the web app built from Cumin.Web (API.md "The web app"): its files, and index.html for every other path
/// that is not the API's own, so the app's URLs can be bookmarked and reloaded.
/// </summary>
public static class WebAppHosting
{
    /// <summary>Path prefixes that belong to the API: they never answer the app or any HTML.</summary>
    private static readonly PathString[] Reserved =
        ["/api", "/auth", "/hubs", "/health", "/openapi", "/docs"];

    public static IServiceCollection AddCuminWebApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebAppOptions>().Bind(configuration.GetSection(WebAppOptions.Section));
        services.AddSingleton<WebAppFiles>();
        services.Configure<RouteOptions>(routes => routes.SetParameterPolicy<WebAppPathConstraint>(WebAppPathConstraint.Name));
        // Only the app's own answers are compressed (the branch below); API answers stay as they were, so no
        // response that carries a secret is compressed beside attacker-chosen text (BREACH).
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        return services;
    }

    public static WebApplication UseCuminWebApp(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<WebAppFiles>();
        app.UseWhen(context => !IsReserved(context.Request.Path), web =>
        {
            web.UseResponseCompression();
            web.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files.Provider,
                OnPrepareResponse = file => WebAppHeaders.Apply(file.Context, file.File.Name),
            });
        });

        // Order int.MaxValue, as MapFallback: every API route wins; the constraint keeps the reserved prefixes out, so a
        // request there that matches nothing stays the API's problem+json 404 (or 405).
        app.MapMethods($"{{*path:nonfile:{WebAppPathConstraint.Name}}}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                if (files.Index() is not { } index)
                {
                    return Problems.Problem(StatusCodes.Status404NotFound, "Not found", "The web app has not been built (npm ci && npm run build in Cumin.Web).");
                }

                WebAppHeaders.Apply(context, index.Name);
                var etag = new EntityTagHeaderValue($"\"{index.LastModified.UtcTicks:x}-{index.Length:x}\"");
                return (IResult)TypedResults.PhysicalFile(index.PhysicalPath!, "text/html; charset=utf-8", lastModified: index.LastModified, entityTag: etag);
            })
            .WithOrder(int.MaxValue)
            .ExcludeFromDescription();
        return app;
    }

    internal static bool IsReserved(PathString path) =>
        Reserved.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Keeps the app's catch-all route off the API's prefixes.</summary>
    private sealed class WebAppPathConstraint : IRouteConstraint
    {
        public const string Name = "webAppPath";

        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            !IsReserved(new PathString("/" + (values[routeKey] as string ?? string.Empty)));
    }
}

/// <summary>Where the built app is: <c>Cumin:WebApp:Root</c>, by default the host's web root (wwwroot beside the program).</summary>
public sealed class WebAppOptions
{
    public const string Section = "Cumin:WebApp";

    public string? Root { get; set; }
}

/// <summary>The built app's folder; looked up per request, so a rebuild under a running API is picked up.</summary>
internal sealed class WebAppFiles(IOptions<WebAppOptions> options, IWebHostEnvironment environment)
{
    private readonly string root = Path.GetFullPath(options.Value.Root is { Length: > 0 } configured
        ? configured
        : environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot"));

    private PhysicalFileProvider? provider;

    public IFileProvider Provider => Directory.Exists(root) ? provider ??= new PhysicalFileProvider(root) : new NullFileProvider();

    public IFileInfo? Index() => Provider.GetFileInfo("index.html") is { Exists: true, PhysicalPath: not null } index ? index : null;
}

/// <summary>The headers of every answer of the app: one place, for the static files and for index.html as fallback.</summary>
internal static class WebAppHeaders
{
    /// <summary>
    /// Scripts, styles, fonts and images only from this origin; no inline script or style element (the app sets styles
    /// through the CSSOM, which CSP allows); 'self' in connect-src covers the hub's ws:/wss: on this origin (CSP 3).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Apply(HttpContext context, string fileName)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Presigned download links and any other link leave without the app's URL (project and task ids).
        headers["Referrer-Policy"] = "no-referrer";
        if (fileName.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.CacheControl = "no-cache";
        }
        else if (context.Request.Path.StartsWithSegments("/assets"))
        {
            // Vite names every file under /assets by a hash of its content: a new build is new names.
            headers.CacheControl = "public, max-age=31536000, immutable";
        }
        else
        {
            headers.CacheControl = "no-cache";
        }
    }
}
