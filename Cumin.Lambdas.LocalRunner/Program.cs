using Cumin;
using Cumin.Lambdas;
using Cumin.Lambdas.Aggregation;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Hosting;

// `dotnet Cumin.Lambdas.LocalRunner.dll`          the local event-source runner: DynamoDB Local streams -> the Lambda handlers.
// `dotnet Cumin.Lambdas.LocalRunner.dll migrate`  applies the EF Core migrations to ConnectionStrings:Postgres and exits
//                                                 (the deployment step in AWS, where the functions themselves never migrate).
var migrateOnly = args is ["migrate", ..];
var builder = Host.CreateApplicationBuilder(migrateOnly ? args[1..] : args);
builder.AddCuminTelemetry("cumin-runner");

// Each function's own registration, the one its Lambda entry point uses too; then which table feeds which function.
builder.Services.AddAggregator(builder.Configuration);
builder.Services.AddExporter(builder.Configuration);
builder.Services.AddWebhookEvents(builder.Configuration);
builder.Services.AddWebhookDeliverer(builder.Configuration);
builder.Services.AddEventSourceRunner(builder.Configuration)
    .AddAggregatorEventSources()
    .AddExporterEventSource()
    .AddWebhookEventSources();

using var host = builder.Build();
if (migrateOnly)
{
    await host.Services.MigrateLambdasDatabaseAsync();
    Console.WriteLine("Migrations applied.");
    return;
}

await host.RunAsync();

/// <summary>
/// Declared so that ASP.NET Core's source generator (the telemetry's instrumentation brings its framework) makes no
/// public Program here, which would clash with the API's in projects that reference both.
/// </summary>
internal sealed partial class Program;
