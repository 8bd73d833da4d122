import Imaging

print("ocr: not implemented yet")
