using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Cumin.Tasks;

namespace Cumin.Grains.Board;

/// <summary>
/// Where a page of the board ended, as an opaque string: the order, a hash of the filters (a cursor is only valid with
/// the same filters and order) and the last task looked at, which the next page starts strictly after. Positions are
/// values (rank, id), not indexes, so a cursor stays meaningful while the board changes.
/// </summary>
internal static class BoardCursor
{
    private const string Version = "b1";
    private const int MaxLength = 400;

    public readonly record struct Position(int Column, string Rank, string Id);

    public static string Encode(TaskQuery query, TaskItem last)
    {
        var text = query.Order == TaskOrder.Rank
            ? string.Create(CultureInfo.InvariantCulture, $"{Version}|r|{FilterHash(query)}|{(int)last.Status}|{last.Rank}|{last.Id}")
            : $"{Version}|c|{FilterHash(query)}|{last.Id}";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The position a cursor of <paramref name="query"/> holds; null when it is not such a cursor.</summary>
    public static Position? Decode(string cursor, TaskQuery query)
    {
        string text;
        try
        {
            text = cursor.Length <= MaxLength ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : "";
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts.Length < 4 || parts[0] != Version || parts[2] != FilterHash(query))
        {
            return null;
        }

        if (query.Order == TaskOrder.Created)
        {
            return parts is [_, "c", _, var id] && SortableId.IsWellFormed(id) ? new Position(0, "", id) : null;
        }

        return parts is [_, "r", _, var column, var rank, var taskId]
               && int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
               && c < Enum.GetValues<TaskItemStatus>().Length
               && (query.Status is not { } status || (int)status == c)
               && Ranks.IsValid(rank) && SortableId.IsWellFormed(taskId)
            ? new Position(c, rank, taskId)
            : null;
    }

    /// <summary>FNV-1a over the filters: enough to tell another query's cursor from this one's, not a secret.</summary>
    private static string FilterHash(TaskQuery query)
    {
        var filters = string.Join(
            '\u001f',
            query.Order,
            query.Status?.ToString() ?? "",
            query.AssigneeId ?? "",
            query.LabelId ?? "",
            query.DueBefore?.ToString("O", CultureInfo.InvariantCulture) ?? "",
            query.Text ?? "");
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(filters))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
