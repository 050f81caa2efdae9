using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Testing;
using Microsoft.Extensions.Hosting;

namespace Cumin.Api.Tests;

/// <summary>
/// The API, a silo and the runner with the webhook functions (the event function on the tables' streams, the deliverer
/// on this fixture's own deliveries queue), webhooks allowed to call receivers on loopback over http, and a retry
/// schedule of seconds; and a real receiver. The Production rules are the plain <see cref="ApiFixture"/>'s.
/// </summary>
public sealed class WebhookFixture : ApiFixture
{
    /// <summary>The deliverer's timeout here: long enough that a delivery is never cut short on a loaded machine.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Waits before the second and third attempts; the third is the last.</summary>
    public static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    public WebhookReceiver Receiver { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Cumin:Webhooks:AllowHttp"] = "true";
        settings["Cumin:Webhooks:AllowPrivateTargets"] = "true";
        settings["Cumin:Webhooks:QueueName"] = LocalStack.UniquePrefix("api") + "webhook-deliveries";
        settings["Cumin:Webhooks:Timeout"] = Timeout.ToString();
        for (var i = 0; i < Retries.Length; i++)
        {
            settings[$"Cumin:Webhooks:RetrySchedule:{i}"] = Retries[i].ToString();
        }
    }

    protected override void AddFunctions(HostApplicationBuilder runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        runner.Services.AddWebhookEvents(runner.Configuration);
        runner.Services.AddWebhookDeliverer(runner.Configuration);
        runner.Services.AddEventSourceRunner(runner.Configuration).AddWebhookEventSources();
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "webhooks";
}
