using System.Security.Cryptography;
using Cumin.Grains.Persistence;
using Cumin.Projects;
using Cumin.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Cumin.Grains.Projects;

/// <summary>
/// The project's webhooks (at most <see cref="WebhookLimits.PerProjectMax"/>, owner only), one item of the webhooks
/// table read on first use. The secret is made here, handed out once and stored sealed (<see cref="ISecretProtector"/>).
/// The webhook functions read the item from its stream and by key; a ping is a new <c>pingId</c> on the webhook, which
/// the stream turns into the ping delivery. The URL's address rules are the API's to check before it asks (the grain
/// would have to resolve names; the rule is <see cref="WebhookTargets"/>), the rest are checked here.
/// </summary>
public sealed partial class ProjectGrain
{
    private LazyState<ProjectWebhooksState>? _webhooks;

    private LazyState<ProjectWebhooksState> Webhooks => _webhooks ??= new(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains), "webhooks", this.GetGrainId());

    public async Task<Reply<IReadOnlyList<Webhook>>> ListWebhooks(string callerId)
    {
        if (Check(callerId, ProjectAction.ManageWebhooks) is { } denied)
        {
            return denied.As<IReadOnlyList<Webhook>>();
        }

        await Webhooks.LoadAsync();
        return Reply<IReadOnlyList<Webhook>>.Ok(Webhooks.State.Webhooks.Select(ToWebhook).ToList());
    }

    public async Task<Reply<CreatedWebhook>> CreateWebhook(string callerId, string url, IReadOnlyList<string> events)
    {
        if (Check(callerId, ProjectAction.ManageWebhooks) is { } denied)
        {
            return denied.As<CreatedWebhook>();
        }

        if (CheckDefinition(url, events) is { } problem)
        {
            return Reply<CreatedWebhook>.Fail(Outcome.Invalid, problem);
        }

        await Webhooks.LoadAsync();
        var webhooks = Webhooks.State.Webhooks;
        if (webhooks.Count >= WebhookLimits.PerProjectMax)
        {
            return Reply<CreatedWebhook>.Limit($"a project has at most {WebhookLimits.PerProjectMax} webhooks");
        }

        // 32 random bytes, as hex: what a receiver pastes into its configuration.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = timeProvider.GetUtcNow();
        var webhook = new WebhookState
        {
            Id = _ids.Next(),
            Url = url,
            Events = [.. events],
            Active = true,
            Secret = ServiceProvider.GetRequiredService<ISecretProtector>().Protect(secret, Id),
            CreatedAt = now,
            CreatedBy = callerId,
            ActivatedAt = now,
        };
        webhooks.Add(webhook);
        await WriteWebhooksAsync(callerId, undo: () => webhooks.Remove(webhook));
        return Reply<CreatedWebhook>.Ok(new CreatedWebhook(ToWebhook(webhook), secret));
    }

    public async Task<Reply<Webhook>> UpdateWebhook(string callerId, string webhookId, WebhookPatch patch)
    {
        if (Check(callerId, ProjectAction.ManageWebhooks) is { } denied)
        {
            return denied.As<Webhook>();
        }

        await Webhooks.LoadAsync();
        if (Webhooks.State.Webhooks.Find(w => w.Id == webhookId) is not { } webhook)
        {
            return NotFound<Webhook>("webhook not found");
        }

        if (CheckDefinition(patch.Url ?? webhook.Url, patch.Events ?? webhook.Events) is { } problem)
        {
            return Reply<Webhook>.Fail(Outcome.Invalid, problem);
        }

        var before = (webhook.Url, webhook.Events, webhook.Active, webhook.ActivatedAt);
        webhook.Url = patch.Url ?? webhook.Url;
        webhook.Events = patch.Events is { } events ? [.. events] : webhook.Events;
        if (patch.Active is { } active)
        {
            // Turning it on again, even when it is on, lifts a suspension after failures.
            webhook.ActivatedAt = active ? timeProvider.GetUtcNow() : webhook.ActivatedAt;
            webhook.Active = active;
        }

        await WriteWebhooksAsync(callerId, undo: () => (webhook.Url, webhook.Events, webhook.Active, webhook.ActivatedAt) = before);
        return Reply<Webhook>.Ok(ToWebhook(webhook));
    }

    public async Task<Reply<bool>> DeleteWebhook(string callerId, string webhookId)
    {
        if (Check(callerId, ProjectAction.ManageWebhooks) is { } denied)
        {
            return denied;
        }

        await Webhooks.LoadAsync();
        var webhooks = Webhooks.State.Webhooks;
        var index = webhooks.FindIndex(w => w.Id == webhookId);
        if (index < 0)
        {
            return NotFound<bool>("webhook not found");
        }

        var webhook = webhooks[index];
        webhooks.RemoveAt(index);
        await WriteWebhooksAsync(callerId, undo: () => webhooks.Insert(index, webhook));
        return Reply<bool>.Ok(true);
    }

    /// <summary>Asks for a <c>ping</c> delivery to this webhook (even a paused one: the owner asked for it).</summary>
    public async Task<Reply<bool>> PingWebhook(string callerId, string webhookId)
    {
        if (Check(callerId, ProjectAction.ManageWebhooks) is { } denied)
        {
            return denied;
        }

        await Webhooks.LoadAsync();
        if (Webhooks.State.Webhooks.Find(w => w.Id == webhookId) is not { } webhook)
        {
            return NotFound<bool>("webhook not found");
        }

        var before = (webhook.PingId, webhook.PingedBy);
        webhook.PingId = _ids.Next();
        webhook.PingedBy = callerId;
        await WriteWebhooksAsync(callerId, undo: () => (webhook.PingId, webhook.PingedBy) = before);
        return Reply<bool>.Ok(true);
    }

    /// <summary>The project is being deleted: its webhooks go with it.</summary>
    private async Task ClearWebhooksAsync()
    {
        await Webhooks.LoadAsync();
        if (Webhooks.RecordExists)
        {
            await Webhooks.ClearOrDeactivateAsync(this);
        }
    }

    private static string? CheckDefinition(string url, IReadOnlyList<string> events) =>
        WebhookLimits.CheckEvents(events)
        // The API has checked the scheme against this deployment's setting; the grain keeps the shape.
        ?? WebhookTargets.CheckUrl(url, allowHttp: true, out _);

    private async Task WriteWebhooksAsync(string actorId, Action undo)
    {
        var webhooks = Webhooks.State;
        webhooks.UpdatedAt = timeProvider.GetUtcNow();
        webhooks.UpdatedBy = actorId;
        try
        {
            await Webhooks.WriteOrDeactivateAsync(this);
        }
        catch
        {
            undo();
            throw;
        }
    }

    private Webhook ToWebhook(WebhookState webhook) =>
        new(webhook.Id, Id, webhook.Url, webhook.Events, webhook.Active, webhook.CreatedAt, webhook.ActivatedAt);
}
