using System.Security.Claims;
using Cumin.Api.Http;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Webhooks;

/// <summary>
/// /api/projects/{projectId}/webhooks: a project's webhooks, owner only (the project grain decides). The URL's rules
/// (<see cref="WebhookTargets"/>: the scheme, and no loopback, private, link-local or metadata address unless configured)
/// are checked here, where names may be resolved, before the grain is asked; the deliverer checks the address again
/// at every delivery. Deliveries and the last delivery come from the deliveries log in PostgreSQL.
/// </summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapProjectGroup("/api/projects/{projectId}/webhooks", "Webhooks")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", List);
        group.MapPost("/", Create).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{webhookId}", Update).ProducesValidationProblem();
        group.MapDelete("/{webhookId}", Delete);
        group.MapPost("/{webhookId}/ping", Ping);
        group.MapGet("/{webhookId}/deliveries", Deliveries).ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<WebhookList>, ProblemHttpResult>> List(
        string projectId, ClaimsPrincipal user, IGrainFactory grains, PostgresWebhookDeliveries log, CancellationToken cancellationToken)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).ListWebhooks(user.Id());
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        var states = await log.StatesAsync(reply.Value!.Select(w => w.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new WebhookList(reply.Value!.Select(w => WebhookResponse.From(w, states?.GetValueOrDefault(w.Id))).ToList()));
    }

    private static async Task<Results<Created<CreatedWebhookResponse>, ValidationProblem, ProblemHttpResult>> Create(
        string projectId, CreateWebhookRequest body, ClaimsPrincipal user, IGrainFactory grains, IOptions<WebhookOptions> options,
        CancellationToken cancellationToken)
    {
        var project = grains.Of<IProjectGrain>(projectId);
        // Who may do this first: a stranger learns nothing about the URL rules, or whether a name resolves.
        if (await project.ListWebhooks(user.Id()) is { IsOk: false } denied)
        {
            return Problems.For(denied);
        }

        if (await CheckAsync(body.Url!, body.Events!, options.Value, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var reply = await project.CreateWebhook(user.Id(), body.Url!, body.Events!);
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        var w = reply.Value!.Webhook;
        return TypedResults.Created(
            $"/api/projects/{projectId}/webhooks/{w.Id}",
            new CreatedWebhookResponse(w.Id, w.ProjectId, w.Url, w.Events, w.Active, w.CreatedAt, null, reply.Value.Secret));
    }

    private static async Task<Results<Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> Update(
        string projectId, string webhookId, UpdateWebhookRequest body, ClaimsPrincipal user, IGrainFactory grains,
        IOptions<WebhookOptions> options, PostgresWebhookDeliveries log, CancellationToken cancellationToken)
    {
        var project = grains.Of<IProjectGrain>(projectId);
        if (await project.ListWebhooks(user.Id()) is { IsOk: false } denied)
        {
            return Problems.For(denied);
        }

        if (body.Url is not null && await CheckUrlAsync(body.Url, options.Value, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }

        if (body.Events is not null && WebhookLimits.CheckEvents(body.Events) is { } badEvents)
        {
            return Invalid("events", badEvents);
        }

        var reply = await project.UpdateWebhook(user.Id(), webhookId, new WebhookPatch(body.Url, body.Events, body.Active));
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        var states = await log.StatesAsync([webhookId], cancellationToken);
        return TypedResults.Ok(WebhookResponse.From(reply.Value!, states?.GetValueOrDefault(webhookId)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string projectId, string webhookId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).DeleteWebhook(user.Id(), webhookId);
        return reply.IsOk ? TypedResults.NoContent() : Problems.For(reply);
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> Ping(string projectId, string webhookId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var reply = await grains.Of<IProjectGrain>(projectId).PingWebhook(user.Id(), webhookId);
        return reply.IsOk ? TypedResults.Accepted((string?)null) : Problems.For(reply);
    }

    private static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> Deliveries(
        string projectId, string webhookId, int? limit, ClaimsPrincipal user, IGrainFactory grains, PostgresWebhookDeliveries log,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > WebhookLimits.DeliveriesPageMax)
        {
            return Problems.BadRequest($"limit must be 1-{WebhookLimits.DeliveriesPageMax}");
        }

        var reply = await grains.Of<IProjectGrain>(projectId).ListWebhooks(user.Id());
        if (!reply.IsOk)
        {
            return Problems.For(reply);
        }

        if (!reply.Value!.Any(w => w.Id == webhookId))
        {
            return Problems.NotFound("webhook not found");
        }

        var items = await log.PageAsync(webhookId, limit ?? WebhookLimits.DeliveriesPageDefault, cancellationToken);
        return TypedResults.Ok(new DeliveryList(items));
    }

    private static async Task<ValidationProblem?> CheckAsync(string url, IReadOnlyList<string> events, WebhookOptions options, CancellationToken cancellationToken) =>
        WebhookLimits.CheckEvents(events) is { } badEvents
            ? Invalid("events", badEvents)
            : await CheckUrlAsync(url, options, cancellationToken);

    private static async Task<ValidationProblem?> CheckUrlAsync(string url, WebhookOptions options, CancellationToken cancellationToken)
    {
        if (WebhookTargets.CheckUrl(url, options.AllowHttp, out var uri) is { } problem)
        {
            return Invalid("url", problem);
        }

        return await WebhookTargets.CheckHostAsync(uri!.IdnHost, options.AllowPrivateTargets, cancellationToken) is { } refused
            ? Invalid("url", refused)
            : null;
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "One or more validation errors occurred.");
}
