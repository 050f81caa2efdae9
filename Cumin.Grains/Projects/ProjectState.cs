using System.Text.Json.Serialization;
using Cumin.Projects;
using Cumin.Webhooks;

namespace Cumin.Grains.Projects;

/// <summary>
/// A project as stored in the <c>projects</c> table (pk project id), members inside. Nothing per task is kept here: a
/// project's tasks are its partition of the <c>tasks</c> table, which has no 400 KB item limit.
/// </summary>
public sealed class ProjectState
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string OwnerId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Who made the change this image records (the project edited, a member added or removed): the activity's actor.</summary>
    public string UpdatedBy { get; set; } = "";

    public List<MemberState> Members { get; set; } = [];
}

/// <summary>A member with the name and e-mail they had when added, so listing members needs no other grain.</summary>
public sealed class MemberState
{
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public ProjectRole Role { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    /// <summary>Who added them (the owner; themself for the owner).</summary>
    public string AddedBy { get; set; } = "";

    public Member ToMember() => new(UserId, Name, Email, Role);
}

/// <summary>
/// A project's labels: one item of the <c>labels</c> table (pk project id), at most 100 labels of a few dozen bytes.
/// Read on first use (<c>LazyState</c>), not with the project: most calls to a project never need them.
/// </summary>
public sealed class ProjectLabelsState
{
    [JsonPropertyName(LabelAttributes.Labels)]
    public List<LabelState> Labels { get; set; } = [];

    [JsonPropertyName(LabelAttributes.UpdatedAt)]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName(LabelAttributes.UpdatedBy)]
    public string UpdatedBy { get; set; } = "";
}

public sealed class LabelState
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Color { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

/// <summary>
/// A project's webhooks: one item of the <c>webhooks</c> table (pk project id), at most 10 webhooks. Read on first use,
/// as the labels are; the webhook functions read it too (<see cref="WebhookAttributes"/>).
/// </summary>
public sealed class ProjectWebhooksState
{
    [JsonPropertyName(WebhookAttributes.Webhooks)]
    public List<WebhookState> Webhooks { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

public sealed class WebhookState
{
    [JsonPropertyName(WebhookAttributes.Id)]
    public string Id { get; set; } = "";

    [JsonPropertyName(WebhookAttributes.Url)]
    public string Url { get; set; } = "";

    [JsonPropertyName(WebhookAttributes.Events)]
    public List<string> Events { get; set; } = [];

    [JsonPropertyName(WebhookAttributes.Active)]
    public bool Active { get; set; }

    /// <summary>Sealed with the project id as associated data; never leaves the silo, the deliverer unseals it.</summary>
    [JsonPropertyName(WebhookAttributes.Secret)]
    public string Secret { get; set; } = "";

    [JsonPropertyName(WebhookAttributes.CreatedAt)]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyName(WebhookAttributes.CreatedBy)]
    public string CreatedBy { get; set; } = "";

    [JsonPropertyName(WebhookAttributes.ActivatedAt)]
    public DateTimeOffset ActivatedAt { get; set; }

    [JsonPropertyName(WebhookAttributes.PingId)]
    public string? PingId { get; set; }

    [JsonPropertyName(WebhookAttributes.PingedBy)]
    public string? PingedBy { get; set; }
}
