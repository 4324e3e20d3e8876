import FuzzDriver

FuzzDriver.run("decoders")
