Console.WriteLine("Cumin benchmarks");
