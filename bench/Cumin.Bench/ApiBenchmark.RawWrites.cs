using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Bench;

/// <summary>The api benchmark's reference: DynamoDB Local's own rate of conditional writes, without Cumin.</summary>
internal static partial class ApiBenchmark
{
    private enum RawWrite
    {
        /// <summary>A conditional PutItem of the whole task item: the write a PATCH makes through our provider.</summary>
        Put,

        /// <summary>A conditional UpdateItem setting the changed attributes.</summary>
        Update,
    }

    /// <summary>
    /// What DynamoDB Local itself sustains for a conditional write of one task-sized item, with as many concurrent
    /// writers as the HTTP test has connections, on as many items as the PATCHes write, in the same `tasks` table.
    /// </summary>
    private static async Task<double> RawConditionalWritesAsync(RawWrite kind, string table, int writers, int items, int seconds)
    {
        // Spread over as many items as the PATCHes are, each writer cycling through items of its own: DynamoDB Local
        // is slower when the same few items are rewritten back to back, so fewer items would understate it.
        var perWriter = Math.Max(1, (items + writers - 1) / writers);
        using var dynamo = new AmazonDynamoDBClient(new AmazonDynamoDBConfig { MaxConnectionsPerServer = null });
        var partition = $"bench-raw-{Guid.NewGuid():N}";
        try
        {
            var counts = new long[writers];
            using var stop = new CancellationTokenSource();
            var deadline = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, writers).Select(async w =>
            {
                var etags = new long[perWriter];
                for (var turn = 0; !stop.IsCancellationRequested; turn++)
                {
                    var slot = turn % perWriter;
                    var sk = $"task-{w:D3}-{slot:D3}";
                    var etag = etags[slot];
                    var next = (etag + 1).ToString(CultureInfo.InvariantCulture);
                    var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                    var title = $"renamed {w} {etag}";
                    var condition = etag == 0 ? "attribute_not_exists(etag)" : "etag = :etag";
                    var values = new Dictionary<string, AttributeValue>();
                    if (etag > 0)
                    {
                        values[":etag"] = new() { N = etag.ToString(CultureInfo.InvariantCulture) };
                    }

                    if (kind == RawWrite.Put)
                    {
                        await dynamo.PutItemAsync(new PutItemRequest
                        {
                            TableName = table,
                            Item = new()
                            {
                                ["pk"] = new() { S = partition },
                                ["sk"] = new() { S = sk },
                                ["id"] = new() { S = sk },
                                ["projectId"] = new() { S = partition },
                                ["title"] = new() { S = title },
                                ["description"] = new() { S = "Collect the numbers from every team and write the summary." },
                                ["status"] = new() { S = "todo" },
                                ["priority"] = new() { S = "medium" },
                                ["createdAt"] = new() { S = now },
                                ["updatedAt"] = new() { S = now },
                                ["version"] = new() { N = next },
                                ["etag"] = new() { N = next },
                            },
                            ConditionExpression = condition,
                            ExpressionAttributeValues = values.Count > 0 ? values : null,
                        });
                    }
                    else
                    {
                        values[":next"] = new() { N = next };
                        values[":title"] = new() { S = title };
                        values[":now"] = new() { S = now };
                        await dynamo.UpdateItemAsync(new UpdateItemRequest
                        {
                            TableName = table,
                            Key = new() { ["pk"] = new() { S = partition }, ["sk"] = new() { S = sk } },
                            UpdateExpression = "SET etag = :next, title = :title, updatedAt = :now, version = :next",
                            ConditionExpression = condition,
                            ExpressionAttributeValues = values,
                        });
                    }

                    etags[slot] = etag + 1;
                    if (deadline.Elapsed > TimeSpan.FromSeconds(1))
                    {
                        counts[w]++;
                    }
                }
            }).ToList();
            await Task.Delay(TimeSpan.FromSeconds(seconds + 1));
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            return counts.Sum() / (deadline.Elapsed.TotalSeconds - 1);
        }
        finally
        {
            await Task.WhenAll(Enumerable.Range(0, writers * perWriter).Select(i => dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = new() { ["pk"] = new() { S = partition }, ["sk"] = new() { S = $"task-{i / perWriter:D3}-{i % perWriter:D3}" } },
            })));
        }
    }
}
