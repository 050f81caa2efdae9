using Cumin.Silo;
using Orleans.Dashboard;

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
