using Npgsql;

namespace Cumin.Api.Webhooks;

/// <summary>
/// The deliveries log the webhook deliverer (Cumin.Lambdas) writes: each webhook's newest attempt and suspension, and
/// pages of attempts, newest first. While the schema is not there yet nothing has been delivered; while PostgreSQL
/// cannot be reached the lists answer without it (null) and the deliveries page is a 503.
/// </summary>
public sealed partial class PostgresWebhookDeliveries(NpgsqlDataSource dataSource, ILogger<PostgresWebhookDeliveries> logger)
{
    /// <summary>Per webhook id; null when PostgreSQL cannot be reached.</summary>
    public async Task<IReadOnlyDictionary<string, WebhookDeliveryState>?> StatesAsync(IReadOnlyCollection<string> webhookIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, WebhookDeliveryState>(StringComparer.Ordinal);
        if (webhookIds.Count == 0)
        {
            return result;
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT w.id, d.at, d.status, d.ok, s.suspended_at
            FROM unnest($1::text[]) AS w(id)
            LEFT JOIN LATERAL (SELECT at, status, ok FROM webhook_deliveries WHERE webhook_id = w.id ORDER BY at DESC, id DESC LIMIT 1) d ON true
            LEFT JOIN webhook_suspensions s ON s.webhook_id = w.id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = webhookIds.ToArray() });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var last = reader.IsDBNull(1)
                    ? null
                    : new LastDelivery(reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetBoolean(3));
                DateTimeOffset? suspended = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
                result[reader.GetString(0)] = new WebhookDeliveryState(last, suspended);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The deliverer's schema is not there yet: nothing was delivered.
        }
        catch (NpgsqlException e) when ((e is not PostgresException || e.IsTransient) && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, e);
            return null;
        }

        return result;
    }

    /// <summary>The newest <paramref name="limit"/> attempts of one webhook; a PostgreSQL that cannot be reached throws (503).</summary>
    public async Task<IReadOnlyList<DeliveryResponse>> PageAsync(string webhookId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, event_id, type, at, attempt, status, ok, duration_ms, error
            FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY at DESC, id DESC LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = webhookId });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var items = new List<DeliveryResponse>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new DeliveryResponse(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetBoolean(6), reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not delivered yet.
        }

        return items;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL cannot be reached; answering webhooks without their last delivery")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
