var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok());
await app.RunAsync();

/// <summary>The API's entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
