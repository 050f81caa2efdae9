using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using CsvHelper;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Pages a project's tasks out of the <c>tasks</c> table (pk project id; task ids sort by creation, so oldest first)
/// and writes API.md's CSV: UTF-8 without BOM, RFC 4180 (CRLF, fields quoted when they hold a comma, quote or line
/// break, quotes doubled), header <c>id,title,description,status,priority,createdAt,updatedAt</c>. Only one Query page
/// is held at a time. Every cell goes through <see cref="WriteCell"/>, which guards against formula injection.
/// </summary>
public sealed class TaskCsvWriter(IAmazonDynamoDB dynamoDb, string tasksTable)
{
    public static readonly IReadOnlyList<string> Header = ["id", "title", "description", "status", "priority", "createdAt", "updatedAt"];

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
            ProjectionExpression = string.Join(", ", Header.Select(name => "#" + name)),
            ExpressionAttributeNames = Header.ToDictionary(name => "#" + name, name => name),
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
            Limit = PageSize,
        };
        do
        {
            var page = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                WriteCell(csv, Text(item, "id"));
                WriteCell(csv, Text(item, "title"));
                WriteCell(csv, Text(item, "description"));
                WriteCell(csv, Text(item, "status"));
                WriteCell(csv, Text(item, "priority"));
                WriteCell(csv, Time(Text(item, "createdAt")));
                WriteCell(csv, Time(Text(item, "updatedAt")));
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

    private static string Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is { } text ? text : "";

    /// <summary>Stored timestamps are ISO 8601 of any precision and offset; the CSV has API.md's <c>…:05.123Z</c>.</summary>
    private static string Time(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? ExportJobTable.Timestamp(time)
            : stored;
}
