# Edit an ofdi workbook in LibreOffice Calc (headless, through UNO) and save it
# with Calc's own .xlsx writer, as a user would in a spreadsheet program. It
# wrote libreoffice-edited.xlsx (read by TestLibreOfficeWorkbook):
#
#   apt-get install libreoffice-calc-nogui python3-uno
#   ofdi convert instances/jiangsu-electronics.json /tmp/jiangsu.xlsx
#   /usr/bin/python3 model/sheet/testdata/libreoffice-edit.py /tmp/jiangsu.xlsx model/sheet/testdata/libreoffice-edited.xlsx
#
# Edits: policy subsidy.joint_rnd 0.2 -> 0.3, firm f03's capital 220 -> 300,
# and a "_notes" sheet (ignored by ofdi).
import subprocess, tempfile, time, sys, uno
from com.sun.star.beans import PropertyValue

src, dst = sys.argv[1], sys.argv[2]
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                         "-env:UserInstallation=" + uno.systemPathToFileUrl(tempfile.mkdtemp()),
                         "--accept=socket,host=127.0.0.1,port=2002;urp;"])
ctx = None
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(100):
    try:
        ctx = resolver.resolve("uno:socket,host=127.0.0.1,port=2002;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.3)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
sheets = doc.Sheets
# policy: raise the joint R&D subsidy to 0.3
pol = sheets.getByName("policy")
for r in range(1, 40):
    if pol.getCellByPosition(0, r).String == "subsidy.joint_rnd":
        pol.getCellByPosition(1, r).Value = 0.3
# firms: f03's capital (column E) to 300, typed as a number
firms = sheets.getByName("firms")
for r in range(1, 60):
    if firms.getCellByPosition(0, r).String == "f03":
        firms.getCellByPosition(4, r).Value = 300
# a notes sheet, which ofdi ignores
sheets.insertNewByName("_notes", sheets.Count)
sheets.getByName("_notes").getCellByPosition(0, 0).String = "edited in LibreOffice Calc"
doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=30)
