using Orleans.Dashboard;

namespace Cumin.Silo;

/// <summary>The silo process: Orleans with Cumin's grains and providers, plus /health/live and the dashboard over HTTP.</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseOrleans(silo => silo.AddCuminSilo(builder.Configuration));
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.MapHealthChecks("/health/live");
        if (builder.Configuration.GetValue($"{SiloOptions.Section}:Dashboard", true))
        {
            app.MapOrleansDashboard("/dashboard");
        }

        await app.RunAsync();
    }
}
