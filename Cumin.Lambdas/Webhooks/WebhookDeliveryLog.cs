using Cumin.Lambdas.Data;
using Microsoft.EntityFrameworkCore;

namespace Cumin.Lambdas.Webhooks;

/// <summary>The deliveries log in PostgreSQL: every attempt, and the suspension of a webhook that fails too often.</summary>
public sealed class WebhookDeliveryLog(IDbContextFactory<LambdasDbContext> contexts)
{
    /// <summary>When the deliverer last suspended the webhook, if it did.</summary>
    public async Task<DateTimeOffset?> SuspendedAtAsync(string webhookId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WebhookSuspensions.Where(s => s.WebhookId == webhookId).Select(s => (DateTimeOffset?)s.SuspendedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Records an attempt (once: the same attempt recorded again changes nothing). When it failed and the webhook's last
    /// <paramref name="failuresBeforeInactive"/> attempts since it was made active all failed, suspends it; true then.
    /// </summary>
    public async Task<bool> RecordAsync(WebhookDelivery delivery, DateTimeOffset activatedAt, int failuresBeforeInactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO webhook_deliveries (id, webhook_id, project_id, event_id, type, at, attempt, status, ok, duration_ms, error)
            VALUES ({delivery.Id}, {delivery.WebhookId}, {delivery.ProjectId}, {delivery.EventId}, {delivery.Type}, {delivery.At},
                    {delivery.Attempt}, {delivery.Status}, {delivery.Ok}, {delivery.DurationMs}, {delivery.Error})
            ON CONFLICT (id) DO NOTHING
            """, cancellationToken);
        if (delivery.Ok)
        {
            return false;
        }

        var recent = await db.WebhookDeliveries
            .Where(d => d.WebhookId == delivery.WebhookId && d.At >= activatedAt)
            .OrderByDescending(d => d.At)
            .Take(failuresBeforeInactive)
            .Select(d => d.Ok)
            .ToListAsync(cancellationToken);
        if (recent.Count < failuresBeforeInactive || recent.Any(ok => ok))
        {
            return false;
        }

        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO webhook_suspensions (webhook_id, project_id, suspended_at) VALUES ({delivery.WebhookId}, {delivery.ProjectId}, {delivery.At})
            ON CONFLICT (webhook_id) DO UPDATE SET suspended_at = GREATEST(webhook_suspensions.suspended_at, excluded.suspended_at)
            """, cancellationToken);
        return true;
    }
}
