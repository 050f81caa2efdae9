using Cumin.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cumin.Api.Http;

/// <summary>Turns a grain's <see cref="Outcome"/> into the problem+json answer API.md gives for it.</summary>
internal static class Problems
{
    public static ProblemHttpResult For<T>(Reply<T> reply) => For(reply.Outcome, reply.Detail);

    public static ProblemHttpResult For(Outcome outcome, string? detail) => outcome switch
    {
        Outcome.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", detail ?? "The resource does not exist."),
        Outcome.Forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail ?? "Your role does not allow this."),
        Outcome.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict", detail),
        Outcome.PreconditionFailed => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail),
        Outcome.Unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail),
        Outcome.Invalid => Problem(StatusCodes.Status400BadRequest, "Bad request", detail),
        Outcome.LimitReached => LimitReached(detail ?? "A limit of the service was reached."),
        Outcome.TooManyRequests => Problem(StatusCodes.Status429TooManyRequests, "Too many requests", detail),
        _ => Problem(StatusCodes.Status500InternalServerError, "Unexpected outcome", outcome.ToString()),
    };

    public static ProblemHttpResult NotFound(string detail = "The resource does not exist.") =>
        Problem(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>API.md: a limit of its table reached is 409 titled "Limit reached", the detail naming the limit.</summary>
    public static ProblemHttpResult LimitReached(string detail) => Problem(StatusCodes.Status409Conflict, LimitReachedTitle, detail);

    public const string LimitReachedTitle = "Limit reached";

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Problem(int status, string title, string? detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeFor(status));

    /// <summary>RFC 9110 section links, as ASP.NET Core's own problem details use.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        412 => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15",
    };
}
