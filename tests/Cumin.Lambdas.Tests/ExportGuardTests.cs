using Cumin.Lambdas.Export;
using Cumin.Lambdas.Streams;
using Cumin.Lambdas.Tests.TestSupport;

namespace Cumin.Lambdas.Tests;

/// <summary>
/// Issue 12, findings 5 and 14: CSV cells a spreadsheet would run as formulas are guarded and every other character
/// survives untouched, and an export runs only for a member of the project at the moment it runs.
/// </summary>
public sealed class ExportGuardTests(ExporterFixture fixture) : IClassFixture<ExporterFixture>
{
    private static readonly char[] Guarded = ['=', '+', '-', '@', '\t', '\r'];

    private static long _sequence = 5_000_000;

    [Fact]
    public void Every_character_but_the_six_guarded_ones_leads_a_cell_unchanged_and_those_get_a_quote()
    {
        var cells = new List<string>();
        for (var scalar = 0; scalar <= 0x10FFFF; scalar++)
        {
            if (scalar is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var leading = char.ConvertFromUtf32(scalar);
            // The character leads the cell, and stands inside and at the end too.
            cells.Add(leading + "x" + leading);
        }

        const int perRow = 1000;
        using var output = new MemoryStream();
        using (var csv = TaskCsvWriter.Open(output))
        {
            for (var column = 0; column < perRow; column++)
            {
                TaskCsvWriter.WriteCell(csv, $"c{column}");
            }

            csv.EndRecord();
            foreach (var row in cells.Chunk(perRow))
            {
                foreach (var cell in row)
                {
                    TaskCsvWriter.WriteCell(csv, cell);
                }

                for (var pad = row.Length; pad < perRow; pad++)
                {
                    TaskCsvWriter.WriteCell(csv, "");
                }

                csv.EndRecord();
            }
        }

        var (_, rows) = CsvRows.Read(output.ToArray());
        var read = rows.SelectMany(r => r).Take(cells.Count).ToList();
        Assert.Equal(cells.Count, read.Count);
        var wrong = new List<string>();
        for (var i = 0; i < cells.Count; i++)
        {
            var expected = Guarded.Contains(cells[i][0]) ? "'" + cells[i] : cells[i];
            if (read[i] != expected)
            {
                wrong.Add($"U+{char.ConvertToUtf32(cells[i], 0):X4}: {Escape(read[i])}");
            }
        }

        Assert.Empty(wrong.Take(20));
        Assert.Equal(1_112_064, cells.Count);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData(" =1", " =1")]
    [InlineData("a=1", "a=1")]
    [InlineData("'=1", "'=1")]
    [InlineData("", "")]
    public void The_guard_quotes_exactly_a_leading_formula_character(string value, string written) =>
        Assert.Equal(written, TaskCsvWriter.Guard(value));

    [Fact]
    public async Task An_export_whose_owner_left_the_project_before_it_ran_fails_visibly_and_writes_no_file()
    {
        var owner = Guid.NewGuid().ToString("N");
        var removed = Guid.NewGuid().ToString("N");
        var projectId = Guid.NewGuid().ToString("N");
        // The job was accepted while its owner was a member; the project has since lost them.
        await Tables.PutProjectAsync(fixture.DynamoDb, fixture.Prefix, projectId, owner);
        await ExportTables.PutTasksAsync(fixture.DynamoDb, fixture.Prefix, [ExportTables.Task(projectId, "T0001", "added after the removal", null, "todo", "low", DateTimeOffset.UtcNow)]);
        var job = ExportTables.PendingJob(removed, Guid.NewGuid().ToString("N"), projectId);
        await ExportTables.PutAsync(fixture.DynamoDb, fixture.JobsTable, job);

        var response = await fixture.Function.InvokeAsync(
            StreamEvents.Payload(ExportTables.JobRecord(fixture.Prefix, StreamEventNames.Insert, job, Guid.NewGuid().ToString("N"), Interlocked.Increment(ref _sequence))),
            CancellationToken.None);
        Assert.Equal("""{"batchItemFailures":[]}""", await new StreamReader(response).ReadToEndAsync());

        var ended = await ExportTables.GetJobAsync(fixture.DynamoDb, fixture.Prefix, removed, job["sk"].S);
        Assert.Equal("failed", ended["status"].S);
        Assert.Equal("You are no longer a member of this project.", ended["error"].S);
        Assert.False(ended.ContainsKey("url"));
        var message = Assert.Single(await fixture.MessagesForAsync(job["sk"].S));
        Assert.Equal("export.failed", message.GetProperty("type").GetString());
        try
        {
            var listed = await fixture.S3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = fixture.Bucket, Prefix = $"exports/{removed}/" });
            Assert.Empty(listed.S3Objects ?? []);
        }
        catch (Amazon.S3.Model.NoSuchBucketException)
        {
            // Nothing was ever stored: the bucket is made with the first file.
        }
    }

    private static string Escape(string text) =>
        string.Concat(text.EnumerateRunes().Select(r => r.Value is < 0x20 or > 0x7E ? $"\\u{r.Value:X4}" : r.ToString()));
}
