using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cumin.Bench;

/// <summary>
/// `dynamodb-proxy PORT TARGET`: an HTTP forwarder in front of DynamoDB Local that counts requests by operation
/// (the <c>X-Amz-Target</c> header), so a benchmark can say how many storage calls something cost. scripts/bench.sh
/// puts it between the silo and DynamoDB Local only; <c>GET /__counts</c> answers the counts so far.
/// </summary>
internal static class DynamoDBCountingProxy
{
    public const string CountsPath = "/__counts";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        var target = new Uri(args[1]);
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var upstream = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false }) { BaseAddress = target };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        // In the terminal delegate, not a mapped endpoint: app.Run ends the pipeline before the endpoints would run.
        app.Run(async context =>
        {
            var request = context.Request;
            if (request.Path == CountsPath)
            {
                await context.Response.WriteAsJsonAsync(counts.ToDictionary(c => c.Key, c => c.Value), context.RequestAborted);
                return;
            }

            var operation = request.Headers["X-Amz-Target"].ToString();
            counts.AddOrUpdate(operation.Length > 0 ? operation[(operation.IndexOf('.', StringComparison.Ordinal) + 1)..] : request.Method, 1, (_, n) => n + 1);
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted);
            using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString) { Content = new ByteArrayContent(body.ToArray()) };
            foreach (var (name, values) in request.Headers)
            {
                if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
                {
                    forward.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
                }
            }

            using var response = await upstream.SendAsync(forward, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>The counts so far of the proxy at <paramref name="proxy"/>, by operation.</summary>
    public static async Task<Dictionary<string, long>> CountsAsync(Uri proxy)
    {
        using var http = new HttpClient { BaseAddress = proxy };
        return await http.GetFromJsonAsync<Dictionary<string, long>>(CountsPath) ?? [];
    }
}
