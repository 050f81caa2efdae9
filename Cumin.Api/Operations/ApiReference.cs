using Scalar.AspNetCore;

namespace Cumin.Api.Operations;

/// <summary>
/// /docs: a browsable reference (Scalar) over /openapi/v1.json, served wholly from this API: its script comes from the
/// package, not a CDN, and nothing is sent elsewhere (no telemetry, fonts, agent or proxy).
/// </summary>
public static class ApiReference
{
    public const string Path = "/docs";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Cumin API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .WithNonce())
            .AddEndpointFilter(async (context, next) =>
            {
                var result = await next(context);
                SetPolicy(context.HttpContext);
                return result;
            });
        return app;
    }

    /// <summary>
    /// Its own policy, not the web app's: the page's scripts carry the nonce Scalar made for this response, and Scalar
    /// styles its components at run time (inline styles). The "try it" client calls this origin only.
    /// </summary>
    private static void SetPolicy(HttpContext context)
    {
        var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] as string;
        var scripts = nonce is null ? "'self'" : $"'self' 'nonce-{nonce}'";
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
