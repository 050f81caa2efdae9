using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cumin.Api.Tests;

/// <summary>
/// A real HTTP receiver on a free loopback port, as a webhook's owner would run one: it records every request (headers
/// and body) under its path, and answers what the test says for that path (by default 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<ReceivedRequest, int, Task<int>>> _answers = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return receiver;
    }

    /// <summary>A URL of this receiver, answered by <paramref name="answer"/> (given the request and how many came to this path before it).</summary>
    public string Url(string path, Func<ReceivedRequest, int, Task<int>>? answer = null)
    {
        _answers[path] = answer ?? ((_, _) => Task.FromResult(200));
        return new Uri(BaseAddress, path).ToString();
    }

    public IReadOnlyList<ReceivedRequest> At(string path) => [.. Requests.Where(r => r.Path == path)];

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new ReceivedRequest(
            context.Request.Path.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted),
            DateTimeOffset.UtcNow);
        var before = At(request.Path).Count;
        Requests.Enqueue(request);
        var answer = _answers.TryGetValue(request.Path, out var a) ? a : (_, _) => Task.FromResult(404);
        context.Response.StatusCode = await answer(request, before);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
