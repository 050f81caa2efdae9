using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Orleans.Storage;

namespace Cumin.Api.Http;

/// <summary>
/// Every exception leaves as problem+json: unreadable requests as 4xx with what was wrong, a dependency that is down
/// (silo, DynamoDB, PostgreSQL) as 503 with Retry-After, anything else as a bare 500. Never a stack trace.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogDependencyDown(logger, exception.GetType().Name, exception);
            httpContext.Response.Headers.RetryAfter = "1";
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, exception);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = Problems.TypeFor(status),
            },
        });
    }

    internal static (int Status, string Title, string Detail) Classify(Exception exception)
    {
        if (exception is BadHttpRequestException bad)
        {
            return bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (413, "Payload too large", "The request body is larger than 1 MiB."),
                StatusCodes.Status415UnsupportedMediaType => (415, "Unsupported media type", "Send the body as application/json."),
                _ => (bad.StatusCode, "Bad request", DescribeBadRequest(bad)),
            };
        }

        if (IsItemTooLarge(exception))
        {
            // The change would make a stored record (a user's, a project's) bigger than DynamoDB allows: nothing was
            // written, and retrying cannot help. The caller's request is what would have grown it, so a 4xx.
            return (409, Problems.LimitReachedTitle, "The change would make a stored record larger than the storage's 400 KB item limit; nothing was changed.");
        }

        return IsDependencyDown(exception)
            ? (503, "Service unavailable", "A dependency is not answering; the request may be retried.")
            : (500, "Internal server error", "An unexpected error occurred.");
    }

    private static string DescribeBadRequest(BadHttpRequestException exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json.Path is { Length: > 1 } path
                    ? $"The body is not valid for this request: the value at '{path}' is missing, of the wrong type or not allowed."
                    : "The body is not valid JSON.";
            }
        }

        // ASP.NET Core's own binding messages name the parameter and the raw value, not our internals.
        return exception.Message;
    }

    private static bool IsItemTooLarge(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var typeName = e is UnavailableExceptionFallbackException fallback ? fallback.ExceptionType : e.GetType().FullName;
            if (typeName == "Cumin.Orleans.DynamoDB.DynamoDBItemTooLargeException")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the cause is something outside this process not answering, so a retry may succeed. A cancelled call
    /// is one: Orleans cancels a message that expired before the cluster could place its grain (a silo was handing
    /// its grains over), and every route's work is calls to grains, DynamoDB or PostgreSQL.
    /// </summary>
    private static bool IsDependencyDown(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
                    or InconsistentStateException or TimeoutException or System.Net.Http.HttpRequestException
                    or System.Net.Sockets.SocketException or Npgsql.NpgsqlException or OperationCanceledException
                    or Cumin.Orleans.DynamoDB.DynamoDBStorageException:
                    return true;
            }

            if (IsDependencyTypeName(TypeNameOf(e)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The exception's type name. An exception whose type Orleans could not make on this side arrives as
    /// <see cref="UnavailableExceptionFallbackException"/>, whose type name may carry the assembly after a comma.
    /// </summary>
    private static string? TypeNameOf(Exception exception) =>
        exception is UnavailableExceptionFallbackException { ExceptionType: { } name }
            ? name.Split(',')[0].Trim()
            : exception.GetType().FullName;

    private static bool IsDependencyTypeName(string? typeName) =>
        typeName is not null
        && (typeName.StartsWith("Amazon.", StringComparison.Ordinal)
            || typeName.StartsWith("Npgsql.", StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency is down ({ExceptionType}); answering 503")]
    private static partial void LogDependencyDown(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
