using System.Security.Claims;
using Cumin.Api.Common;
using Cumin.Common;
using Cumin.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Auth;

/// <summary>/auth: register, login, refresh (rotating, with reuse detection), logout, me.</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/auth").WithTags("Auth");

        group.MapPost("/register", Register)
            .RequireRateLimiting(AuthRateLimits.PerClientPolicy)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem();
        group.MapPost("/login", Login)
            .RequireRateLimiting(AuthRateLimits.PerClientPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem();
        group.MapPost("/refresh", Refresh)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem();
        group.MapPost("/logout", Logout)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem();
        group.MapGet("/me", Me)
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(
        RegisterRequest body, IGrainFactory grains, AuthRateLimits limits, HttpContext http)
    {
        var email = UserLimits.NormalizeEmail(body.Email!);
        if (!limits.TryAcquire(email, out var wait))
        {
            return AuthRateLimits.TooManyRequests(http, wait);
        }

        var reply = await grains.Of<IEmailGrain>(email).Register(body.Name!.Trim(), body.Email!.Trim(), body.Password!);
        return reply.IsOk
            ? TypedResults.Created("/auth/me", UserResponse.From(reply.Value!))
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest body, IGrainFactory grains, AuthRateLimits limits, HttpContext http, AccessTokens tokens, IOptions<AuthOptions> options)
    {
        var email = UserLimits.NormalizeEmail(body.Email!);
        if (!limits.TryAcquire(email, out var wait))
        {
            return AuthRateLimits.TooManyRequests(http, wait);
        }

        var reply = await grains.Of<IEmailGrain>(email).SignIn(body.Password!);
        return reply.IsOk
            ? TypedResults.Ok(Tokens(reply.Value!, tokens, options.Value))
            : Problems.For(Outcome.Unauthorized, "The e-mail address or the password is wrong.");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest body, IGrainFactory grains, AccessTokens tokens, IOptions<AuthOptions> options)
    {
        if (!RefreshToken.TryParse(body.RefreshToken, out var token))
        {
            return Problems.For(Outcome.Unauthorized, "The refresh token is not valid.");
        }

        var reply = await grains.Of<IUserGrain>(token.Value.UserId).Refresh(token.Value.FamilyId, token.Value.Secret);
        return reply.IsOk
            ? TypedResults.Ok(Tokens(reply.Value!, tokens, options.Value))
            : Problems.For(Outcome.Unauthorized, reply.Detail ?? "The refresh token is not valid.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Logout(RefreshRequest body, IGrainFactory grains)
    {
        if (!RefreshToken.TryParse(body.RefreshToken, out var token))
        {
            return Problems.For(Outcome.Unauthorized, "The refresh token is not valid.");
        }

        var reply = await grains.Of<IUserGrain>(token.Value.UserId).SignOut(token.Value.FamilyId, token.Value.Secret);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(Outcome.Unauthorized, "The refresh token is not valid.");
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(ClaimsPrincipal user, IGrainFactory grains)
    {
        var profile = await grains.Of<IUserGrain>(user.Id()).GetProfile();
        return profile is null
            ? Problems.For(Outcome.Unauthorized, "The user no longer exists.")
            : TypedResults.Ok(UserResponse.From(profile));
    }

    private static TokenResponse Tokens(SignIn signIn, AccessTokens tokens, AuthOptions options) => new(
        tokens.Issue(signIn.User),
        signIn.RefreshToken,
        "Bearer",
        (int)options.AccessTokenLifetime.TotalSeconds,
        (int)options.RefreshTokenLifetime.TotalSeconds,
        new TokenUser(signIn.User.Id, signIn.User.Name, signIn.User.Email));
}
