using Cumin.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddCuminApi();
var app = builder.Build();
app.UseCuminApi();
await app.RunAsync();

/// <summary>The API's entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
