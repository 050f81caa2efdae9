using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Primitives;
using Cumin.Users;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .RequireRateLimiting(AuthRateLimits.RefreshPerClientPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem();
        group.MapPost("/logout", Logout)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem();
        group.MapGet("/me", Me)
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(RegisterRequest body, IGrainFactory grains)
    {
        // Validation has checked the address; the grain holding its normalised form stores it as shown (NFC).
        EmailAddresses.TryNormalize(body.Email, out var display, out var key);
        var reply = await grains.Of<IEmailGrain>(key!).Register(body.Name!.Trim(), display!, body.Password!);
        return reply.IsOk
            ? TypedResults.Created("/auth/me", UserResponse.From(reply.Value!))
            : Problems.For(reply);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest body, IGrainFactory grains, SignInThrottle throttle, HttpContext http, AccessTokens tokens, TimeProvider time)
    {
        var email = UserLimits.NormalizeEmail(body.Email!);
        if (!throttle.TryBegin(email, TrustedProxies.ClientKey(http), out var attempt, out var wait))
        {
            return AuthRateLimits.TooManyRequests(http, wait);
        }

        var reply = await grains.Of<IEmailGrain>(email).SignIn(body.Password!);
        if (!reply.IsOk)
        {
            return Problems.For(Outcome.Unauthorized, "The e-mail address or the password is wrong.");
        }

        SignInThrottle.Succeeded(attempt);
        return TypedResults.Ok(Tokens(reply.Value!, tokens, time));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest body, IGrainFactory grains, AccessTokens tokens, TimeProvider time)
    {
        if (!RefreshToken.TryParse(body.RefreshToken, out var token))
        {
            return Problems.For(Outcome.Unauthorized, "The refresh token is not valid.");
        }

        var reply = await grains.Of<IUserGrain>(token.Value.UserId).Refresh(token.Value.FamilyId, token.Value.Secret);
        return reply.IsOk
            ? TypedResults.Ok(Tokens(reply.Value!, tokens, time))
            : Problems.For(Outcome.Unauthorized, reply.Detail ?? "The refresh token is not valid.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Logout(LogoutRequest body, IGrainFactory grains)
    {
        if (!RefreshToken.TryParse(body.RefreshToken, out var token))
        {
            return Problems.For(Outcome.Unauthorized, "The refresh token is not valid.");
        }

        var reply = await grains.Of<IUserGrain>(token.Value.UserId).SignOut(token.Value.FamilyId, token.Value.Secret, body.Everywhere ?? false);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(Outcome.Unauthorized, reply.Detail ?? "The refresh token is not valid.");
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(ClaimsPrincipal user, IGrainFactory grains)
    {
        var profile = await grains.Of<IUserGrain>(user.Id()).GetProfile();
        return profile is null
            ? Problems.For(Outcome.Unauthorized, "The user no longer exists.")
            : TypedResults.Ok(UserResponse.From(profile));
    }

    /// <summary>The pair; <c>refreshExpiresIn</c> is what the grain granted (the idle lifetime, less near the session's end).</summary>
    private static TokenResponse Tokens(SignIn signIn, AccessTokens tokens, TimeProvider time)
    {
        // The session is the refresh token's family: the access token names it, so its hub connections end with it.
        var session = RefreshToken.TryParse(signIn.RefreshToken, out var refresh) ? refresh.Value.FamilyId : "";
        var access = tokens.Issue(signIn.User, session);
        return new TokenResponse(
            access.Token,
            signIn.RefreshToken,
            "Bearer",
            (int)access.Lifetime.TotalSeconds,
            Math.Max(0, (int)Math.Ceiling((signIn.RefreshExpiresAt - time.GetUtcNow()).TotalSeconds)),
            new TokenUser(signIn.User.Id, signIn.User.Name, signIn.User.Email));
    }
}
