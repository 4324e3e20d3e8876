import FuzzDriver

FuzzDriver.run("jwt")
