import FuzzDriver

FuzzDriver.run("rules")
