import FuzzDriver

FuzzDriver.run("searcher")
