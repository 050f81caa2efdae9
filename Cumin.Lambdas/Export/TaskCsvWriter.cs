using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CsvHelper;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Pages a project's tasks out of the <c>tasks</c> table (pk project id; task ids sort by creation, so oldest first)
/// and writes API.md's CSV: UTF-8 without BOM, RFC 4180 (CRLF, fields quoted when they hold a comma, quote or line
/// break, quotes doubled), one column per entry of <see cref="Columns"/>. Only one Query page is held at a time. Every
/// cell goes through <see cref="WriteCell"/>, which guards against formula injection.
/// </summary>
public sealed class TaskCsvWriter(IAmazonDynamoDB dynamoDb, string tasksTable)
{
    /// <summary>
    /// The columns in order (API.md's header <c>id,title,description,status,priority,createdAt,updatedAt</c>). A new
    /// column is one entry here: its header, the task attribute it reads, and how that value becomes text.
    /// </summary>
    public static readonly IReadOnlyList<TaskCsvColumn> Columns =
    [
        TaskCsvColumn.Text("id", TaskAttributes.Id),
        TaskCsvColumn.Text("title", TaskAttributes.Title),
        TaskCsvColumn.Text("description", TaskAttributes.Description),
        TaskCsvColumn.Text("status", TaskAttributes.Status),
        TaskCsvColumn.Text("priority", TaskAttributes.Priority),
        TaskCsvColumn.Time("createdAt", TaskAttributes.CreatedAt),
        TaskCsvColumn.Time("updatedAt", TaskAttributes.UpdatedAt),
    ];

    public static readonly IReadOnlyList<string> Header = [.. Columns.Select(column => column.Name)];

    private static readonly string[] Attributes = [.. Columns.Select(column => column.Attribute).Distinct(StringComparer.Ordinal)];

    /// <summary>Items per Query page: a few hundred KB, so what the function holds besides the part buffer stays small.</summary>
    private const int PageSize = 1000;

    /// <summary>RFC 4180 as CsvHelper writes it by default, spelled out: what API.md promises must not follow a library default.</summary>
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Separator = ',',
        NewLine = "\r\n",
        Quoting = CsvQuoting.WhenNeeded,
        WriteByteOrderMark = false,
        // The guard is ours (WriteCell), exactly API.md's: the library's would also quote and differ between versions.
        Injection = CsvInjection.None,
    };

    /// <summary>Writes every task of <paramref name="projectId"/> to <paramref name="output"/>; returns how many.</summary>
    public async Task<int> WriteAsync(string projectId, Stream output, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var csv = Open(output);
        csv.WriteHeader([.. Header]);
        var request = new QueryRequest
        {
            TableName = tasksTable,
            ConsistentRead = true,
            KeyConditionExpression = "pk = :pk",
            ProjectionExpression = string.Join(", ", Attributes.Select(name => "#" + name)),
            ExpressionAttributeNames = Attributes.ToDictionary(name => "#" + name, name => name),
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
            Limit = PageSize,
        };
        do
        {
            var page = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                foreach (var column in Columns)
                {
                    WriteCell(csv, column.Cell(item.GetValueOrDefault(column.Attribute)));
                }

                // Hands the writer's buffer to the upload stream whenever it is mostly full, asynchronously.
                await csv.EndRecordAsync(cancellationToken);
                count++;
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);

        await csv.FlushAsync(cancellationToken);
        return count;
    }

    internal static CsvWriter Open(Stream output) => CsvWriter.Create(output, Options, leaveOpen: true);

    /// <summary>
    /// The one way a cell is written. A value starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage
    /// return gets a leading <c>'</c>, so a spreadsheet shows it as text instead of running it as a formula (OWASP's CSV
    /// injection guard, as API.md says); every other value is written as it is.
    /// </summary>
    internal static void WriteCell(CsvWriter csv, string value) => csv.WriteField(Guard(value));

    internal static string Guard(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}

/// <summary>One column of the task CSV: its header, the task item's attribute it shows, and how that value becomes text.</summary>
public sealed record TaskCsvColumn(string Name, string Attribute, Func<AttributeValue?, string> Cell)
{
    /// <summary>A string attribute as stored; empty when missing.</summary>
    public static TaskCsvColumn Text(string name, string attribute) => new(name, attribute, value => value?.S ?? "");

    /// <summary>A stored ISO 8601 timestamp of any precision and offset, as API.md's <c>…:05.123Z</c>; empty when missing.</summary>
    public static TaskCsvColumn Time(string name, string attribute) => new(name, attribute, value => value?.S is { } stored ? Timestamp(stored) : "");

    private static string Timestamp(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? ExportJobTable.Timestamp(time)
            : stored;
}
