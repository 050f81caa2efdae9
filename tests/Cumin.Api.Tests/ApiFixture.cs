using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cumin.Lambdas;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Silo;
using Cumin.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cumin.Api.Tests;

/// <summary>
/// The real thing on loopback: a silo (Cumin.Silo's own wiring, DynamoDB Local behind it) and the API on Kestrel,
/// with this fixture's own table prefix, PostgreSQL database and cluster id.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string SigningKey = "cumin-test-signing-key-0123456789-0123456789-abcdef";

    private IHost? _silo;
    private IHost? _runner;

    public Dictionary<string, string?> Settings { get; } = [];

    public ApiFactory Api { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public virtual async Task InitializeAsync()
    {
        var clusterId = $"api-tests-{Guid.NewGuid():N}";
        Settings["Cumin:Tables:Prefix"] = LocalStack.UniquePrefix("api");
        Settings["Cumin:Orleans:ClusterId"] = clusterId;
        Settings["Cumin:Orleans:ServiceId"] = clusterId;
        Settings["Cumin:Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cumin:Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Cumin:Orleans:Dashboard"] = "false";
        Settings["ConnectionStrings:Postgres"] = await LocalStack.CreateDatabaseAsync("api");
        Settings["Cumin:Auth:SigningKey"] = SigningKey;
        // Small, so a test reaches the bound of one list request's work with a few hundred tasks, not ten thousand.
        Settings["Cumin:Board:ScanLimit"] = "100";
        // The tests register and log in many users from one address; the limits themselves are tested with low values.
        Settings["Cumin:RateLimits:AuthPerClientPerMinute"] = "100000";
        Settings["Cumin:RateLimits:RefreshPerClientPerMinute"] = "100000";
        Settings["Cumin:RateLimits:LoginFailuresPerEmailAndClientPerMinute"] = "1000";
        Settings["Cumin:RateLimits:LoginFailuresPerEmailPerMinute"] = "10000";
        Settings["Cumin:RateLimits:AddMemberPerUserPerMinute"] = "10000";
        // Exports: this fixture's own queue and bucket; the silo reads the queue with short polls so it stops quickly.
        Settings["Cumin:Notifications:QueueName"] = LocalStack.UniquePrefix("api") + "notifications";
        Settings["Cumin:Notifications:Sqs:WaitTime"] = "00:00:02";
        Settings["Cumin:Exports:Bucket"] = LocalStack.UniquePrefix("api-exports").TrimEnd('-');
        Configure(Settings);

        var silo = Host.CreateApplicationBuilder();
        silo.Configuration.AddInMemoryCollection(Settings);
        silo.UseOrleans(builder => builder.AddCuminSilo(silo.Configuration));
        _silo = silo.Build();
        await _silo.StartAsync();

        Api = new ApiFactory(Settings);
        Api.StartServer();

        if (WithRunner)
        {
            _runner = BuildRunner(Settings);
            await _runner.StartAsync();
        }
    }

    /// <summary>False: no exporter runs, so exports stay pending (the export quota's tests).</summary>
    protected virtual bool WithRunner => true;

    /// <summary>The Lambdas' local event-source runner, as Cumin.Lambdas.LocalRunner's Program wires it, with <see cref="AddFunctions"/>.</summary>
    private IHost BuildRunner(IReadOnlyDictionary<string, string?> settings)
    {
        var runner = Host.CreateApplicationBuilder();
        runner.Configuration.AddInMemoryCollection(settings);
        runner.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cumin:Runner:PollInterval"] = "00:00:00.100",
            ["Cumin:Runner:DescribeInterval"] = "00:00:00.500",
            ["Cumin:Runner:TableWaitInterval"] = "00:00:00.200",
        });
        runner.Logging.SetMinimumLevel(LogLevel.Warning);
        runner.Services.AddLambdasDatabase(runner.Configuration);
        AddFunctions(runner);
        return runner.Build();
    }

    /// <summary>The functions the runner runs: the exporter on the jobs table.</summary>
    protected virtual void AddFunctions(HostApplicationBuilder runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        runner.Services.AddExporter(runner.Configuration);
        runner.Services.AddEventSourceRunner(runner.Configuration).AddExporterEventSource();
    }

    /// <summary>The runner's services (its functions, as it invokes them).</summary>
    public IServiceProvider RunnerServices => _runner?.Services ?? throw new InvalidOperationException("this fixture runs no runner");

    /// <summary>Lets a derived fixture change settings before the silo and the API start.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.StopAsync();
            _runner.Dispose();
        }

        await Api.DisposeAsync();
        if (_silo is not null)
        {
            await _silo.StopAsync();
            _silo.Dispose();
        }
    }

    /// <summary>The silo's own grain factory, for tests that must set up more state than HTTP calls could in time.</summary>
    public IGrainFactory Grains => _silo!.Services.GetRequiredService<IGrainFactory>();

    /// <summary>An anonymous client of the API.</summary>
    public HttpClient Client() => Api.Client();

    /// <summary>Registers and logs in a fresh user; the returned client sends their access token.</summary>
    public async Task<TestUser> NewUserAsync(string name = "Ada")
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        var client = Client();
        var registered = await client.PostAsJsonAsync("/auth/register", new { name, email, password = "correct horse battery" });
        registered.EnsureSuccessStatusCode();
        var login = await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        var tokens = (await login.Content.ReadFromJsonAsync<JsonElement>(Json))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return new TestUser(
            tokens.GetProperty("user").GetProperty("id").GetString()!,
            name,
            email,
            tokens.GetProperty("accessToken").GetString()!,
            tokens.GetProperty("refreshToken").GetString()!,
            client);
    }
}

public sealed record TestUser(string Id, string Name, string Email, string AccessToken, string RefreshToken, HttpClient Client);

/// <summary>The API host of Cumin.Api's Program on Kestrel (so request limits and connection handling are the real ones).</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;

    public ApiFactory(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = settings;
        UseKestrel(0);
    }

    public ApiFactory WithSettings(IReadOnlyDictionary<string, string?> overrides)
    {
        var merged = new Dictionary<string, string?>(settings);
        foreach (var (key, value) in overrides)
        {
            merged[key] = value;
        }

        var factory = new ApiFactory(merged);
        factory.StartServer();
        return factory;
    }

    /// <summary>Where Kestrel listens (port 0 picks a free one), for HTTP clients and SignalR connections.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var server = Services.GetRequiredService<IServer>();
            return new Uri(server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        }
    }

    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }
}

/// <summary>The product's tests: projects, tasks, boards, labels, comments, exports, webhooks, the live board.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>
/// What meets a request first: sign-in, sessions, tokens, validation, client addresses, origins, the web app. A stack of
/// its own, so its tests run beside <see cref="ApiCollection"/>'s (tests in one collection run one at a time, and
/// most of a test's time is waiting on DynamoDB Local, not a core).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ApiEdgeCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api-edge";
}
