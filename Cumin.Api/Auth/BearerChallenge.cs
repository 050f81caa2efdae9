using Cumin.Api.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Auth;

/// <summary>
/// JWT bearer checking, with API.md's answer to every failure: 401, <c>WWW-Authenticate: Bearer error="invalid_token"</c>
/// and a problem+json body (the handler's default is an empty body).
/// </summary>
internal static class BearerChallenge
{
    public static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = AccessTokens.ValidationParameters(auth);
        jwt.TokenHandlers.Clear();
        jwt.TokenHandlers.Add(new CachingTokenHandler());
        jwt.Events = new JwtBearerEvents
        {
            // SignalR's WebSocket transport cannot send headers; its access token comes in the query string.
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal)
                    && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var description = context.AuthenticateFailure switch
                {
                    SecurityTokenExpiredException => "The access token expired.",
                    null when string.IsNullOrEmpty(context.Request.Headers.Authorization) && context.Request.Query["access_token"].Count == 0
                        => "An access token is required.",
                    _ => "The access token is not valid.",
                };
                var response = context.Response;
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{description}\"";
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status401Unauthorized,
                        Title = "Unauthorized",
                        Detail = description,
                        Type = Problems.TypeFor(StatusCodes.Status401Unauthorized),
                    },
                });
            },
            OnForbidden = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
        };
    }
}
