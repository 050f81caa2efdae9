using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Cumin.Api.ProjectActivity;

/// <summary>One entry of a project's activity as API.md's Activity section has it.</summary>
/// <param name="Changes">Each changed field → <c>{from, to}</c>.</param>
public sealed record ActivityItem(string Id, string ProjectId, string? TaskId, string? ActorId, string Type, DateTimeOffset At, JsonElement Changes);

public sealed record ActivityPage(IReadOnlyList<ActivityItem> Items, string? NextCursor);

/// <summary>
/// Reads the activity log the activity Lambda (Cumin.Lambdas' <c>ActivityFunction</c>) writes to PostgreSQL: a page
/// newest first, by (time, id), from the index of the same order; the cursor is the last entry's (time, id).
/// </summary>
public sealed class ActivityLog(NpgsqlDataSource dataSource)
{
    /// <summary>A page of <paramref name="projectId"/>'s entries (one task's when <paramref name="taskId"/> is given), after <paramref name="cursor"/>.</summary>
    public async Task<ActivityPage> PageAsync(string projectId, string? taskId, int limit, ActivityCursor? cursor, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "SELECT id, task_id, actor_id, type, at, changes::text FROM activity_entries WHERE project_id = $1");
        await using var command = dataSource.CreateCommand();
        command.Parameters.Add(new NpgsqlParameter { Value = projectId });
        if (taskId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = taskId });
            sql.Append(CultureInfo.InvariantCulture, $" AND task_id = ${command.Parameters.Count}");
        }

        if (cursor is { } after)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = after.At });
            command.Parameters.Add(new NpgsqlParameter { Value = after.Id });
            sql.Append(CultureInfo.InvariantCulture, $" AND (at, id) < (${command.Parameters.Count - 1}, ${command.Parameters.Count})");
        }

        // One more than asked: whether there is a next page, without a second query.
        command.Parameters.Add(new NpgsqlParameter { Value = limit + 1 });
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY at DESC, id DESC LIMIT ${command.Parameters.Count}");
        command.CommandText = sql.ToString();

        var items = new List<ActivityItem>(limit);
        var rows = new List<(DateTime At, long Id)>(limit);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && items.Count < limit + 1)
            {
                var id = reader.GetInt64(0);
                var at = reader.GetFieldValue<DateTime>(4);
                using var changes = JsonDocument.Parse(reader.GetString(5));
                items.Add(new ActivityItem(
                    id.ToString(CultureInfo.InvariantCulture), projectId, reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), new DateTimeOffset(at, TimeSpan.Zero),
                    changes.RootElement.Clone()));
                rows.Add((at, id));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The runner has not created the schema yet: nothing was logged.
            return new ActivityPage([], null);
        }

        if (items.Count <= limit)
        {
            return new ActivityPage(items, null);
        }

        items.RemoveAt(limit);
        var last = rows[limit - 1];
        return new ActivityPage(items, new ActivityCursor(last.At, last.Id).ToString());
    }
}

/// <summary>Where a page ended: the last entry's time (microseconds, as PostgreSQL keeps it) and id. Opaque to clients.</summary>
public readonly record struct ActivityCursor(DateTime At, long Id)
{
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{(At.Ticks - EpochTicks) / 10}.{Id}");
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>The cursor <see cref="ToString"/> wrote, or null for anything else.</summary>
    public static ActivityCursor? Parse(string text)
    {
        if (text.Length is 0 or > 64 || !Base64Url.IsValid(text))
        {
            return null;
        }

        var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split('.');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && micros <= (DateTime.MaxValue.Ticks - EpochTicks) / 10
                ? new ActivityCursor(new DateTime(EpochTicks + (micros * 10), DateTimeKind.Utc), id)
                : null;
    }
}
